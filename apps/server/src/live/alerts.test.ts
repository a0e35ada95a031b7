import type { Snapshot } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { alertsOf } from './alerts.js';

const THRESHOLDS = { lag: 1000, pending: 100, oldestPendingMs: 30_000, consumerIdleMs: 60_000 };

/** Only what `alertsOf` reads: one group, one consumer idle for 90 s. */
function snapshotWith(group: { lag: number | null; consumerPending: number; paused?: boolean }): Snapshot {
  return {
    stream: { lastGeneratedId: '2-0' },
    groups: [
      {
        name: 'notifications',
        lastDeliveredId: '2-0',
        lag: group.lag,
        pending: group.consumerPending,
        oldestPendingMs: null,
        trimmedUnread: 0,
        consumers: [
          {
            name: 'worker-a',
            pending: group.consumerPending,
            idleMs: 90_000,
            worker: { paused: group.paused ?? false },
          },
        ],
      },
    ],
  } as unknown as Snapshot;
}

const idleAlerts = (snapshot: Snapshot) =>
  alertsOf(snapshot, THRESHOLDS).filter((alert) => alert.metric === 'consumerIdleMs');

describe('alertsOf', () => {
  it('leaves a consumer waiting on a quiet stream alone, however long Redis says it was idle', () => {
    expect(idleAlerts(snapshotWith({ lag: 0, consumerPending: 0 }))).toEqual([]);
    expect(idleAlerts(snapshotWith({ lag: null, consumerPending: 0 }))).toEqual([]);
  });

  it('flags an idle consumer while entries wait for its group or sit in its own pending list', () => {
    const expected = [
      { metric: 'consumerIdleMs', subject: 'notifications/worker-a', value: 90_000, threshold: 60_000 },
    ];
    expect(idleAlerts(snapshotWith({ lag: 5, consumerPending: 0 }))).toEqual(expected);
    expect(idleAlerts(snapshotWith({ lag: 0, consumerPending: 2 }))).toEqual(expected);
  });

  it('leaves a consumer paused here alone: idle is what the operator asked of it', () => {
    expect(idleAlerts(snapshotWith({ lag: 5, consumerPending: 2, paused: true }))).toEqual([]);
  });
});
