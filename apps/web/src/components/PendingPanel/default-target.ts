import type { PendingRowView } from '@streamscope/protocol';
import { isHealthy, type StuckAt, type TargetOption } from './target-options';

/** What of a pending row the default target follows: where it sits, and whether it is idle enough to claim. */
export type RowAt = Pick<PendingRowView, 'group' | 'consumer' | 'idleMs'>;

/** The rows the default follows, and what it falls back on when they leave it no choice. */
export interface TargetContext {
  /** The pending rows shown (the Show filter applied). */
  readonly rows: readonly RowAt[];
  /** Idle past this, a row is claimable: XAUTOCLAIM takes only those. */
  readonly claimMinIdleMs: number;
  /** With no row to follow, the group of a pick just lost to a removal: the select stays near where it was. */
  readonly near?: StuckAt | null;
  /**
   * The default the select showed last (`group/consumer`): kept while it still serves, so that the target a person
   * just read is the one the click claims into, not one swapped by the snapshot in between.
   */
  readonly previous?: string | null;
}

/**
 * The user's pick while it is still offered; else {@link defaultTarget}. A pick is kept even where XAUTOCLAIM finds
 * nothing to claim: the user chose it, and `targetGroupNote` says so beside the button.
 */
export function effectiveTarget(
  options: readonly TargetOption[],
  chosen: string | null,
  context: TargetContext = { rows: [], claimMinIdleMs: 0 },
): TargetOption | null {
  return options.find((option) => option.value === chosen) ?? defaultTarget(options, context);
}

/**
 * The consumer XAUTOCLAIM defaults to: one of the group with the most claimable rows shown, running and not paused,
 * and not holding them when another can take them. The group of the longest-idle row alone, or else any healthy
 * consumer, picked another group's consumer while only notifications/worker-a's rows were claimable, and XAUTOCLAIM
 * claimed 0. Groups with no such consumer here (another application's, or all paused or down) are passed over.
 * With nothing claimable, a healthy consumer near a pick just lost, else the last default while it is healthy
 * (under load pending rows come and go every snapshot, and a default following them changed under the pointer),
 * else any healthy one, else the first. With rows claimable, the last default too while its group has some.
 */
export function defaultTarget(
  options: readonly TargetOption[],
  { rows, claimMinIdleMs, near = null, previous = null }: TargetContext,
): TargetOption | null {
  const kept = options.find((option) => option.value === previous && isHealthy(option));
  const claimable = rows.filter((row) => row.idleMs >= claimMinIdleMs);
  if (claimable.length > 0) {
    if (kept !== undefined && claimable.some((row) => row.group === kept.group)) return kept;
    for (const group of groupsByRows(claimable)) {
      const holders = new Set(claimable.filter((row) => row.group === group).map((row) => row.consumer));
      const best = bestIn(options, group, holders);
      if (best !== undefined) return best;
    }
  }
  return (
    (near === null
      ? undefined
      : options.find(
          (option) => isHealthy(option) && option.group === near.group && option.consumer !== near.consumer,
        )) ??
    kept ??
    options.find(isHealthy) ??
    options[0] ??
    null
  );
}

/** The groups of `rows`, the one with the most first, a tie going to the one with the longest idle. */
function groupsByRows(rows: readonly RowAt[]): string[] {
  const tally = new Map<string, { count: number; longestIdleMs: number }>();
  for (const { group, idleMs } of rows) {
    const seen = tally.get(group) ?? { count: 0, longestIdleMs: 0 };
    tally.set(group, { count: seen.count + 1, longestIdleMs: Math.max(seen.longestIdleMs, idleMs) });
  }
  return [...tally]
    .sort(([, a], [, b]) => b.count - a.count || b.longestIdleMs - a.longestIdleMs)
    .map(([group]) => group);
}

/**
 * The consumer of `group` to claim into, best first: healthy and holding none of the rows, then a healthy holder
 * (an XAUTOCLAIM into itself runs its entries again), then the same of one with crashes queued, which drops what it
 * is given next. Health before "not the holder": a claim into a consumer about to crash leaves the entries pending
 * again, one into their healthy holder gets them handled. Never a paused one (the server refuses) or one down.
 */
function bestIn(
  options: readonly TargetOption[],
  group: string,
  holders: ReadonlySet<string>,
): TargetOption | undefined {
  const ofGroup = options.filter((option) => option.group === group);
  for (const condition of ['healthy', 'crash-queued'] as const) {
    const running = ofGroup.filter((option) => option.condition === condition);
    const best = running.find((option) => !holders.has(option.consumer)) ?? running[0];
    if (best !== undefined) return best;
  }
  return undefined;
}
