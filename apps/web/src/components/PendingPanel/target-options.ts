import type { GroupView } from '@streamscope/protocol';

export interface TargetOption {
  /** `group/consumer`: what the select shows and sends back. */
  value: string;
  group: string;
  consumer: string;
  /** A worker that is alive, not paused and not about to drop deliveries: a sensible default target. */
  healthy: boolean;
}

/**
 * The consumers XAUTOCLAIM can claim into: those whose worker runs on this server, which the command hands the
 * claimed entries to. One known only to Redis (a worker of another process, or none at all) was offered too, and
 * the claim always failed: "no running consumer … on this server".
 */
export function targetOptions(groups: readonly GroupView[]): TargetOption[] {
  return groups.flatMap((group) =>
    group.consumers.flatMap((consumer) =>
      consumer.worker === null
        ? []
        : [
            {
              value: `${group.name}/${consumer.name}`,
              group: group.name,
              consumer: consumer.name,
              healthy: consumer.worker.alive && !consumer.worker.paused && consumer.worker.crashQueued === 0,
            },
          ],
    ),
  );
}

/**
 * The options as one string each, the same from one snapshot to the next until a consumer comes, goes or changes
 * health: selected from the store with useShallow they follow every snapshot, even while the pending table is out
 * of view, at the cost of a render only when the list changed. Read back with {@link optionsFromKeys}.
 */
export function targetOptionKeys(groups: readonly GroupView[]): string[] {
  return targetOptions(groups).map(({ group, consumer, healthy }) =>
    JSON.stringify([group, consumer, healthy]),
  );
}

export function optionsFromKeys(keys: readonly string[]): TargetOption[] {
  return keys.map((key) => {
    const [group, consumer, healthy] = JSON.parse(key) as [string, string, boolean];
    return { value: `${group}/${consumer}`, group, consumer, healthy };
  });
}

/**
 * The user's pick, as long as it is still offered; `null` once its consumer is gone. Kept past its removal, a
 * pick would come back by itself, unasked, the moment a consumer of the same name was added again.
 */
export function pickStillOffered(options: readonly TargetOption[], chosen: string | null): string | null {
  return chosen !== null && options.some((option) => option.value === chosen) ? chosen : null;
}

/** Where stuck entries sit: the group and consumer of the longest-idle pending entry. */
export interface StuckAt {
  group: string;
  consumer: string;
}

/**
 * The user's pick while it still exists; else a healthy consumer in the group where entries are stuck, other than
 * the one they are stuck with; else any healthy consumer; else the first one.
 */
export function effectiveTarget(
  options: readonly TargetOption[],
  chosen: string | null,
  stuckAt: StuckAt | null = null,
): TargetOption | null {
  return (
    options.find((option) => option.value === chosen) ??
    (stuckAt === null
      ? undefined
      : options.find(
          (option) =>
            option.healthy && option.group === stuckAt.group && option.consumer !== stuckAt.consumer,
        )) ??
    options.find((option) => option.healthy) ??
    options[0] ??
    null
  );
}

/**
 * Whom a pending row's Claim button claims it for: the target picked, when it is a consumer of the row's group
 * other than the one holding it; else a healthy such consumer; `null` (no button) when the group has none here.
 */
export function rowClaimTarget(
  options: readonly TargetOption[],
  picked: TargetOption | null,
  row: { group: string; consumer: string },
): string | null {
  const eligible = (option: TargetOption) => option.group === row.group && option.consumer !== row.consumer;
  if (picked !== null && eligible(picked)) return picked.consumer;
  return options.find((option) => option.healthy && eligible(option))?.consumer ?? null;
}
