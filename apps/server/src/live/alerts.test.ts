import type { Snapshot } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { alertsOf, GROWTH_ALERT_MS, RecentGrowth } from './alerts.js';

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
        deadLettered: 0,
        guardMarksLost: 0,
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

describe('RecentGrowth', () => {
  it('keeps a loss to trimming an alert for a minute after it last grew, then lets it rest', () => {
    const losses = new RecentGrowth();
    expect(losses.growing('g', 0, 0)).toBe(false);
    expect(losses.growing('g', 80, 1_000)).toBe(true);
    expect(losses.growing('g', 80, 1_000 + GROWTH_ALERT_MS - 1)).toBe(true);
    expect(losses.growing('g', 80, 1_000 + GROWTH_ALERT_MS)).toBe(false);
    // It grows again: an alert again, for another minute.
    expect(losses.growing('g', 120, 100_000)).toBe(true);
    expect(losses.growing('g', 120, 100_000 + GROWTH_ALERT_MS)).toBe(false);
    // Unknown, or back to none (a reset): nothing to alert on, and a later loss is news.
    expect(losses.growing('g', null, 200_000)).toBe(false);
    expect(losses.growing('g', 120, 200_001)).toBe(true);
    expect(losses.growing('g', 0, 200_002)).toBe(false);
    expect(losses.growing('g', 5, 200_003)).toBe(true);
  });

  it('takes the first count of a group as where it stands, not as growth: a restart raised every old loss again', () => {
    const losses = new RecentGrowth();
    // A --no-reset start, or a group first seen later (made from 0-0 on a stream trimmed before it existed).
    expect(losses.growing('restarted', 80, 1_000)).toBe(false);
    expect(losses.growing('restarted', 80, 2_000)).toBe(false);
    expect(losses.growing('restarted', 81, 3_000)).toBe(true);
    // A group first seen with nothing lost, or not known yet: whatever it loses after is growth.
    expect(losses.growing('new', 0, 1_000)).toBe(false);
    expect(losses.growing('new', 3, 2_000)).toBe(true);
    expect(losses.growing('unknown', null, 1_000)).toBe(false);
    expect(losses.growing('unknown', 3, 2_000)).toBe(true);
  });

  it('raises the alert only while the loss grows, when alertsOf is given it', () => {
    const losses = new RecentGrowth();
    const lossy = { ...snapshotWith({ lag: 0, consumerPending: 0 }) };
    const trimAlerts = (at: number) =>
      alertsOf(
        lossy,
        THRESHOLDS,
        (metric, group, count) => metric === 'trimmedUnread' && losses.growing(group, count, at),
      ).filter((alert) => alert.metric === 'trimmedUnread');
    expect(trimAlerts(0)).toEqual([]);
    (lossy.groups[0] as { trimmedUnread: number }).trimmedUnread = 50;
    expect(trimAlerts(1_000)).toHaveLength(1);
    expect(trimAlerts(1_000 + GROWTH_ALERT_MS)).toEqual([]);
  });

  it('raises a dead-letter alert while a group dead-letters, each count tracked on its own', () => {
    const growth = { trimmedUnread: new RecentGrowth(), deadLettered: new RecentGrowth() };
    const parked = snapshotWith({ lag: 0, consumerPending: 0 });
    const group = parked.groups[0] as { deadLettered: number; trimmedUnread: number };
    const alertsAt = (at: number) =>
      alertsOf(parked, THRESHOLDS, (metric, name, count) => growth[metric].growing(name, count, at)).map(
        (alert) => `${alert.metric} ${alert.value}`,
      );
    expect(alertsAt(0)).toEqual([]);
    group.deadLettered = 2;
    expect(alertsAt(1_000)).toEqual(['deadLettered 2']);
    group.trimmedUnread = 7;
    expect(alertsAt(2_000)).toEqual(['trimmedUnread 7', 'deadLettered 2']);
    expect(alertsAt(1_000 + GROWTH_ALERT_MS)).toEqual(['trimmedUnread 7']);
    expect(alertsAt(2_000 + GROWTH_ALERT_MS)).toEqual([]);
  });
});
