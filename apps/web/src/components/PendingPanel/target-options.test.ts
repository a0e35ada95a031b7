import type { GroupView, WorkerView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { consumerView, groupView, workerView } from '../../testing/views';
import {
  consumerOfValue,
  optionsFromKeys,
  pickStillOffered,
  rowClaimTarget,
  targetLabel,
  targetOptionKeys,
  targetOptions,
} from './target-options';

const group = (name: string, consumers: GroupView['consumers']) => groupView(name, consumers);

const consumer = (name: string, w: WorkerView | null, connected: boolean | null = w !== null) =>
  consumerView(name, w, { connected });

describe('autoclaim targets', () => {
  const options = targetOptions([
    group('notifications', [
      consumer('worker-a', workerView({ crashQueued: 3 })),
      consumer('worker-b', workerView()),
    ]),
    group('analytics', [consumer('worker-c', workerView({ paused: true }))]),
  ]);

  it('lists every consumer as group/consumer', () => {
    expect(options.map((option) => option.value)).toEqual([
      'notifications/worker-a',
      'notifications/worker-b',
      'analytics/worker-c',
    ]);
  });

  it('offers only consumers whose worker runs here: a claim into any other is refused by the server', () => {
    const mixed = targetOptions([
      group('notifications', [
        consumer('ghost', null, false),
        consumer('elsewhere', null, true),
        consumer('worker-a', workerView()),
        // Its worker is closing here (a reset stops it): it takes nothing on.
        consumer('worker-b', workerView({ state: 'closing', alive: false })),
      ]),
      group('analytics', [consumer('remote-c', null, true)]),
    ]);
    expect(mixed.map((option) => option.value)).toEqual(['notifications/worker-a']);
    expect(targetOptions([group('analytics', [consumer('remote-c', null, true)])])).toEqual([]);
  });

  it("offers no consumer of another application's group, whose entries the server will not claim", () => {
    const joined = groupView('orders', [consumer('worker-a', workerView())], { createdByStreamscope: false });
    const options = targetOptions([joined, group('analytics', [consumer('worker-c', workerView())])]);
    expect(options).toEqual([expect.objectContaining({ value: 'analytics/worker-c' })]);
    expect(rowClaimTarget(options, null, { group: 'orders', consumer: 'app-1', foreign: true })).toEqual({
      none: "orders is another application's group: its own consumers claim its entries",
    });
  });

  it('forgets a pick once its consumer is gone, so a later one of that name is not picked unasked', () => {
    const both = targetOptions([
      group('notifications', [consumer('worker-a', workerView()), consumer('worker-d', workerView())]),
    ]);
    const withoutD = targetOptions([group('notifications', [consumer('worker-a', workerView())])]);
    expect(pickStillOffered(both, 'notifications/worker-d')).toBe('notifications/worker-d');
    expect(pickStillOffered(withoutD, 'notifications/worker-d')).toBeNull();
    expect(pickStillOffered(withoutD, null)).toBeNull();
  });

  it('keys the options so that a snapshot with only new figures selects an equal list', () => {
    const groups = [
      group('notifications', [
        consumer('worker-a', workerView({ crashQueued: 3 })),
        consumer('worker-b', workerView()),
      ]),
      group('a/b', [consumer('worker-c', workerView({ paused: true })), consumer('remote', null, true)]),
    ];
    const keys = targetOptionKeys(groups);
    expect(optionsFromKeys(keys)).toEqual(targetOptions(groups));
    const busier = groups.map((g) => ({
      ...g,
      pending: 40,
      consumers: g.consumers.map((c) => ({ ...c, pending: 7, idleMs: 900 })),
    }));
    expect(targetOptionKeys(busier)).toEqual(keys);
    // Gone, or no longer healthy: the list differs.
    expect(targetOptionKeys([groups[0] as GroupView])).not.toEqual(keys);
    expect(
      targetOptionKeys([
        group('notifications', [consumer('worker-a', workerView()), consumer('worker-b', workerView())]),
        groups[1] as GroupView,
      ]),
    ).not.toEqual(keys);
  });

  it("claims a row for the target picked when it is another consumer of the row's group, else for a healthy one", () => {
    const options = targetOptions([
      group('notifications', [
        consumer('worker-a', workerView({ crashQueued: 3 })),
        consumer('worker-b', workerView()),
        consumer('worker-d', workerView({ paused: true })),
      ]),
      group('analytics', [consumer('worker-c', workerView())]),
    ]);
    const pick = (value: string) => options.find((option) => option.value === value) ?? null;
    const heldByA = { group: 'notifications', consumer: 'worker-a' };
    expect(rowClaimTarget(options, pick('notifications/worker-b'), heldByA)).toEqual({
      consumer: 'worker-b',
    });
    // A pick about to drop its deliveries is still the pick: crashing claimed entries is a thing to watch.
    const heldByB = { group: 'notifications', consumer: 'worker-b' };
    expect(rowClaimTarget(options, pick('notifications/worker-a'), heldByB)).toEqual({
      consumer: 'worker-a',
    });
    // The pick is paused (the server refuses to claim into it), of another group, or holds the entry: a healthy
    // consumer of the row's group instead.
    expect(rowClaimTarget(options, pick('notifications/worker-d'), heldByA)).toEqual({
      consumer: 'worker-b',
    });
    expect(rowClaimTarget(options, pick('analytics/worker-c'), heldByA)).toEqual({ consumer: 'worker-b' });
    expect(rowClaimTarget(options, pick('notifications/worker-a'), heldByA)).toEqual({
      consumer: 'worker-b',
    });
    expect(rowClaimTarget(options, null, heldByA)).toEqual({ consumer: 'worker-b' });
  });

  it('labels a paused consumer so in the picker', () => {
    const options = targetOptions([
      group('notifications', [
        consumer('worker-a', workerView()),
        consumer('worker-b', workerView({ paused: true })),
      ]),
    ]);
    expect(options.map(targetLabel)).toEqual(['notifications/worker-a', 'notifications/worker-b (paused)']);
  });

  it('says why a row has no one to claim it for: a group of one here, or peers that are not healthy', () => {
    const options = targetOptions([
      group('notifications', [
        consumer('worker-a', workerView()),
        consumer('worker-b', workerView({ paused: true })),
        consumer('remote', null, true),
      ]),
      group('analytics', [consumer('worker-c', workerView())]),
      group('billing', [
        consumer('worker-e', workerView()),
        consumer('worker-f', workerView({ alive: false })),
        consumer('worker-g', workerView({ crashQueued: 3 })),
      ]),
      group('audit', [consumer('worker-h', workerView({ crashQueued: 1 }))]),
    ]);
    expect(rowClaimTarget(options, null, { group: 'analytics', consumer: 'worker-c' })).toEqual({
      none: 'No other consumer of analytics runs on this server to claim it for; XAUTOCLAIM to selected with worker-c runs it again there',
    });
    // Its one peer here is paused (the other runs elsewhere).
    expect(rowClaimTarget(options, null, { group: 'notifications', consumer: 'worker-a' })).toEqual({
      none: 'No healthy consumer of notifications here to claim it for: worker-b is paused; XAUTOCLAIM to selected with worker-a runs it again there',
    });
    expect(rowClaimTarget(options, null, { group: 'billing', consumer: 'worker-e' })).toEqual({
      none: 'No healthy consumer of billing here to claim it for: worker-f is down, worker-g is crash-queued; XAUTOCLAIM to selected with worker-e runs it again there',
    });
    // Its holder, crash-queued, would drop it again: no XAUTOCLAIM into it is suggested.
    expect(rowClaimTarget(options, null, { group: 'audit', consumer: 'worker-h' })).toEqual({
      none: 'No other consumer of audit runs on this server to claim it for',
    });
  });
});

describe('consumerOfValue', () => {
  it('reads the group and consumer back from an option value', () => {
    expect(consumerOfValue('notifications/worker-b')).toEqual({
      group: 'notifications',
      consumer: 'worker-b',
    });
    expect(consumerOfValue('a.b:c/worker-1')).toEqual({ group: 'a.b:c', consumer: 'worker-1' });
  });
});
