import type { LifecycleEventView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { pendingRowView } from '../../testing/views';
import { nowByGroup, pendingByGroup, timelineLanes } from './timeline-groups';

const step = (kind: LifecycleEventView['kind'], group: string | null, ts: number): LifecycleEventView => ({
  kind,
  id: '5-0',
  group,
  consumer: group === null ? null : 'worker-a',
  deliveryCount: group === null ? null : 1,
  eventType: 'order.paid',
  reason: null,
  ts,
});

const row = (group: string, id: string) => pendingRowView({ group, consumer: 'worker-a', id, idleMs: 10 });

describe('timeline lanes', () => {
  it("gives the stream's lane first, then each group by name, with the groups it is only pending in", () => {
    const lanes = timelineLanes(
      [step('produced', null, 1), step('delivered', 'notifications', 2), step('delivered', 'analytics', 3)],
      ['notifications', 'billing'],
    );
    expect(lanes.map((lane) => [lane.group, lane.events.length])).toEqual([
      [null, 1],
      ['analytics', 1],
      ['billing', 0],
      ['notifications', 1],
    ]);
  });

  it('says whose an entry was when a claim does not (XAUTOCLAIM), from the steps before it', () => {
    const claimedBy = (consumer: string, reason: string | null, ts: number): LifecycleEventView => ({
      ...step('claimed', 'notifications', ts),
      consumer,
      deliveryCount: 2,
      reason,
    });
    const [, lane] = timelineLanes([
      step('delivered', 'notifications', 1),
      claimedBy('worker-b', null, 2),
      claimedBy('worker-c', 'from worker-b', 3),
      claimedBy('worker-c', null, 4),
    ]);
    expect(lane?.events.map((event) => event.reason)).toEqual([null, 'from worker-a', 'from worker-b', null]);
  });

  it("finds the open entry's pending rows by group, and none with no entry open", () => {
    const rows = [row('analytics', '5-0'), row('analytics', '6-0'), row('billing', '5-0')];
    expect([...pendingByGroup(rows, '5-0').keys()]).toEqual(['analytics', 'billing']);
    expect(pendingByGroup(rows, null).size).toBe(0);
  });

  it("takes where Redis placed it in each group, the snapshot's live row taking over where it lists one", () => {
    const now = nowByGroup(
      [
        { group: 'analytics', lastDeliveredId: '5-0', state: 'done' },
        { group: 'audit', lastDeliveredId: '4-0', state: 'unread' },
        {
          group: 'notifications',
          lastDeliveredId: '5-0',
          state: 'pending',
          consumer: 'worker-b',
          deliveries: 1,
          deliveredAt: 1,
        },
      ],
      pendingByGroup([row('notifications', '5-0'), row('billing', '5-0')], '5-0'),
    );
    expect([...now].map(([group, at]) => [group, at.source])).toEqual([
      ['analytics', 'redis'],
      ['audit', 'redis'],
      ['notifications', 'snapshot'],
      ['billing', 'snapshot'],
    ]);
  });
});
