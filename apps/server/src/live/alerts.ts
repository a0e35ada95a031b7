import type { AlertView, Snapshot } from '@streamscope/protocol';
import { compareEntryIds, entryIdTime } from '@streamscope/streams';

/** The alert thresholds, from the `--alert-*` flags. */
export interface Thresholds {
  readonly lag: number;
  readonly pending: number;
  readonly oldestPendingMs: number;
  readonly consumerIdleMs: number;
}

/**
 * Not tunable: any entry a group will never see, any entry it dead-letters, any cursor past the stream's newest ID,
 * and any guard mark lost, is worth an alert. `/metrics` lists them beside the tunable ones.
 */
export const FIXED_THRESHOLDS = {
  trimmedUnread: 0,
  deadLettered: 0,
  cursorAhead: 0,
  guardMarksLost: 0,
} as const;

/**
 * How long a group's loss to trimming, or its dead-lettering, stays an alert after its count last grew. Both are
 * counts that only grow: alerted for as long as they stood, the header never read "No alerts" again once a group
 * had lost one entry or parked one poison pill. The counts stay on the panels and in `/metrics`.
 */
export const GROWTH_ALERT_MS = 60_000;

/** The counts alerted on while they grow (see GROWTH_ALERT_MS). */
export type GrowingMetric = 'trimmedUnread' | 'deadLettered';

/**
 * When each group's count of entries trimmed unread (a figure of Redis's) last grew, for its alert (see
 * GROWTH_ALERT_MS). Dead letters are this process's own, each timed as it is written (`GroupCounters`).
 *
 * The first count seen of a group is where it stands, not growth: a `--no-reset` restart saw every old loss for
 * the first time and raised its alert again for a minute. That holds for a group first seen later in the same
 * process as well (made through the API, or by another process): a count it already has then is entries trimmed
 * before this process knew it, very likely before it existed at all (made from 0-0 on a stream already trimmed),
 * none of which it could have read. What it loses once seen is growth, from 0 for a new group, and alerts. A
 * count unknown (`null`) or back to 0 (a reset, a group made again) keeps the group known at 0, so that a loss
 * after it is news.
 */
export class RecentGrowth {
  readonly #seen = new Map<string, { count: number; grewAt: number | null }>();

  /** Whether `group`'s count, `count` at `at`, grew within GROWTH_ALERT_MS of `at`. */
  growing(group: string, count: number | null, at: number): boolean {
    const seen = this.#seen.get(group);
    const now = count ?? 0;
    if (seen === undefined) {
      this.#seen.set(group, { count: now, grewAt: null });
      return false;
    }
    if (now > seen.count) seen.grewAt = at;
    if (now === 0) seen.grewAt = null;
    seen.count = now;
    return seen.grewAt !== null && at - seen.grewAt < GROWTH_ALERT_MS;
  }

  /** Forgets groups that are gone. */
  keepOnly(groups: readonly string[]): void {
    for (const group of this.#seen.keys()) if (!groups.includes(group)) this.#seen.delete(group);
  }
}

/**
 * Every figure past its threshold, for the dashboard's badges, of what the snapshot carries: a group it leaves out
 * (past LIMITS.snapshotGroups) has no alerts, and neither does a consumer it leaves out (past
 * LIMITS.snapshotConsumersPerGroup). Such a consumer runs no worker here and, unless more consumers than that hold
 * entries, holds none: it is among the group's idlest, most likely a name Redis keeps until it is deleted (one
 * per pod that came and went). One idle alert for each of thousands would bury the alerts that matter; the work
 * waiting for its group still raises the group's `lag` alert.
 */
export function alertsOf(
  snapshot: Snapshot,
  thresholds: Thresholds,
  /** Whether the group's count of `metric` grew lately (see `RecentGrowth`); every count alerts without it. */
  grewLately: (metric: GrowingMetric, group: string, count: number | null) => boolean = () => true,
): AlertView[] {
  const alerts: AlertView[] = [];
  const check = (metric: AlertView['metric'], subject: string, value: number | null, threshold: number) => {
    if (value !== null && value > threshold) alerts.push({ metric, subject, value, threshold });
  };
  const lastId = snapshot.stream.lastGeneratedId;
  for (const group of snapshot.groups) {
    // Its lag reads 0, and it is stuck: what is appended gets IDs below its cursor, which it never reads.
    if (lastId !== null && compareEntryIds(group.lastDeliveredId, lastId) > 0) {
      const ahead = entryIdTime(group.lastDeliveredId) - entryIdTime(lastId);
      alerts.push({
        metric: 'cursorAhead',
        subject: group.name,
        value: ahead,
        threshold: FIXED_THRESHOLDS.cursorAhead,
      });
    }
    check('lag', group.name, group.lag, thresholds.lag);
    check('pending', group.name, group.pending, thresholds.pending);
    check('oldestPendingMs', group.name, group.oldestPendingMs, thresholds.oldestPendingMs);
    if (grewLately('trimmedUnread', group.name, group.trimmedUnread))
      check('trimmedUnread', group.name, group.trimmedUnread, FIXED_THRESHOLDS.trimmedUnread);
    // A dead letter is an entry the group gave up on: the dead-letter stream is where someone must look.
    if (grewLately('deadLettered', group.name, group.deadLettered))
      check('deadLettered', group.name, group.deadLettered, FIXED_THRESHOLDS.deadLettered);
    // Nothing else on the page tells that a redelivery now would be handled twice, not caught as a duplicate.
    check('guardMarksLost', group.name, group.guardMarksLost, FIXED_THRESHOLDS.guardMarksLost);
    // Idle matters only while there is work: a consumer blocked on a quiet stream is waiting, not stuck, and
    // Redis 7.0 lets its idle time grow through every empty blocking read.
    const workWaiting = group.lag !== null && group.lag > 0;
    for (const consumer of group.consumers) {
      if (!workWaiting && consumer.pending === 0) continue;
      // Nor one paused here: idle is what the operator asked of it, and its card says paused already.
      if (consumer.worker?.paused) continue;
      check('consumerIdleMs', `${group.name}/${consumer.name}`, consumer.idleMs, thresholds.consumerIdleMs);
    }
  }
  return alerts;
}
