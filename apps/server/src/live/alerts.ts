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
 * Not tunable: any entry a group will never see, and any cursor past the stream's newest ID, is worth an alert.
 * `/metrics` lists them beside the tunable ones.
 */
export const FIXED_THRESHOLDS = { trimmedUnread: 0, cursorAhead: 0 } as const;

/**
 * Every figure past its threshold, for the dashboard's badges, of what the snapshot carries: a group it leaves out
 * (past LIMITS.snapshotGroups) has no alerts, and neither does a consumer it leaves out (past
 * LIMITS.snapshotConsumersPerGroup). Such a consumer runs no worker here and, unless more consumers than that hold
 * entries, holds none: it is among the group's idlest, most likely a name Redis keeps until it is deleted (one
 * per pod that came and went). One idle alert for each of thousands would bury the alerts that matter; the work
 * waiting for its group still raises the group's `lag` alert.
 */
export function alertsOf(snapshot: Snapshot, thresholds: Thresholds): AlertView[] {
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
    check('trimmedUnread', group.name, group.trimmedUnread, FIXED_THRESHOLDS.trimmedUnread);
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
