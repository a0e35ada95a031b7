/**
 * Which consumers and groups a snapshot carries when there are more than it may (LIMITS.snapshotConsumersPerGroup,
 * LIMITS.snapshotGroups). Redis keeps a consumer until it is deleted: a deployment that names one per pod gathers
 * thousands in a group, and every one went into each snapshot, four a second to every page. Both choices are made
 * from what the tick has read already (XINFO GROUPS, XINFO CONSUMERS, CLIENT LIST), so a cap costs no Redis command.
 */

/** What a consumer is chosen by: XINFO CONSUMERS's figures. */
export interface ConsumerFigures {
  readonly name: string;
  readonly pending: number;
  readonly idleMs: number;
}

export interface Chosen<T> {
  /** Those kept, in the order given. */
  readonly kept: T[];
  readonly omitted: number;
}

/**
 * At most `limit` of a group's consumers, chosen in this order: those this server runs a worker for (`ours`), those
 * holding pending entries (most first: who sits on the backlog), those with a Streamscope worker connected to Redis
 * from another process (`connected`: Redis 7.0 lets a live consumer's idle time grow through every empty blocking
 * read, so idle alone would put it behind a long-gone pod that read a minute ago), then the most recently active
 * (lowest idle). Ties go by name, so the same figures always keep the same consumers.
 */
export function chooseConsumers<T extends ConsumerFigures>(
  consumers: readonly T[],
  limit: number,
  ours: ReadonlySet<string>,
  connected: ReadonlySet<string>,
): Chosen<T> {
  if (consumers.length <= limit) return { kept: [...consumers], omitted: 0 };
  const tier = (consumer: T) =>
    ours.has(consumer.name) ? 0 : consumer.pending > 0 ? 1 : connected.has(consumer.name) ? 2 : 3;
  const ranked = consumers.map((consumer, index) => ({ consumer, index, tier: tier(consumer) }));
  ranked.sort(
    (a, b) =>
      a.tier - b.tier ||
      b.consumer.pending - a.consumer.pending ||
      a.consumer.idleMs - b.consumer.idleMs ||
      byCodeUnit(a.consumer.name, b.consumer.name),
  );
  const kept = ranked
    .slice(0, limit)
    .sort((a, b) => a.index - b.index)
    .map(({ consumer }) => consumer);
  return { kept, omitted: consumers.length - kept.length };
}

/**
 * At most `limit` groups: those this server runs workers for (`ours`) first, then the others in the order given
 * (XINFO GROUPS lists them by name). Kept in the order given.
 */
export function chooseGroups<T extends { readonly name: string }>(
  groups: readonly T[],
  limit: number,
  ours: ReadonlySet<string>,
): Chosen<T> {
  if (groups.length <= limit) return { kept: [...groups], omitted: 0 };
  const keep = new Set(
    [
      ...groups.filter((group) => ours.has(group.name)),
      ...groups.filter((group) => !ours.has(group.name)),
    ].slice(0, limit),
  );
  const kept = groups.filter((group) => keep.has(group));
  return { kept, omitted: groups.length - kept.length };
}

/** A plain, locale-free order: only a tie-break, which must be the same on every machine. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
