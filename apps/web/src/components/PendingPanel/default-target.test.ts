import type { GroupView, WorkerView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { consumerView, groupView, workerView } from '../../testing/views';
import { defaultTarget, effectiveTarget, type RowAt } from './default-target';
import { type TargetOption, targetOptions } from './target-options';

const group = (name: string, consumers: GroupView['consumers']) => groupView(name, consumers);

const consumer = (name: string, w: WorkerView | null, connected: boolean | null = w !== null) =>
  consumerView(name, w, { connected });

/** Past this, a row is claimable. */
const MIN_IDLE = 60_000;
const claimable = (group: string, consumer: string, idleMs = MIN_IDLE + 1_000) => ({
  group,
  consumer,
  idleMs,
});
const fresh = (group: string, consumer: string) => ({ group, consumer, idleMs: 500 });

/** The seeds: notifications with worker-a and worker-b, analytics with worker-c, each as `patch` says. */
const seeds = (patch: { a?: Partial<WorkerView>; b?: Partial<WorkerView>; c?: Partial<WorkerView> } = {}) =>
  targetOptions([
    group('analytics', [consumer('worker-c', workerView(patch.c))]),
    group('notifications', [
      consumer('worker-a', workerView(patch.a)),
      consumer('worker-b', workerView(patch.b)),
    ]),
  ]);

const defaultFor = (options: readonly TargetOption[], rows: readonly RowAt[]) =>
  defaultTarget(options, { rows, claimMinIdleMs: MIN_IDLE })?.value;

describe('defaultTarget', () => {
  it('is a healthy consumer of the group with claimable rows, other than the one holding them', () => {
    const rows = [claimable('notifications', 'worker-a'), claimable('notifications', 'worker-a')];
    expect(defaultFor(seeds(), rows)).toBe('notifications/worker-b');
  });

  it("follows the claimable rows' group, not rows of another group that are pending but not idle yet", () => {
    const rows = [
      fresh('analytics', 'worker-c'),
      fresh('analytics', 'worker-c'),
      fresh('analytics', 'worker-c'),
      claimable('notifications', 'worker-a'),
    ];
    expect(defaultFor(seeds(), rows)).toBe('notifications/worker-b');
    // With none claimable, the group with the most pending rows.
    expect(defaultFor(seeds(), [fresh('notifications', 'worker-a'), ...rows.slice(0, 3)])).toBe(
      'analytics/worker-c',
    );
  });

  it('claims into the holder itself rather than into another group, when it is the one healthy consumer there', () => {
    // The reported case: worker-b paused, and the default went to analytics/worker-c, where XAUTOCLAIM claimed 0.
    const rows = [claimable('notifications', 'worker-a')];
    expect(defaultFor(seeds({ b: { paused: true } }), rows)).toBe('notifications/worker-a');
    expect(defaultFor(seeds({ b: { alive: false } }), rows)).toBe('notifications/worker-a');
  });

  it('prefers a healthy consumer to one with crashes queued, and a running one to none', () => {
    const rows = [claimable('notifications', 'worker-a')];
    // worker-b would drop what it is given: worker-a, healthy, handles its entries when they go back to it.
    expect(defaultFor(seeds({ b: { crashQueued: 3 } }), rows)).toBe('notifications/worker-a');
    // Both have crashes queued: still a consumer of notifications, not the holder.
    expect(defaultFor(seeds({ a: { crashQueued: 1 }, b: { crashQueued: 3 } }), rows)).toBe(
      'notifications/worker-b',
    );
    // Neither runs unpaused: the next group with rows, else any healthy consumer.
    expect(defaultFor(seeds({ a: { paused: true }, b: { paused: true } }), rows)).toBe('analytics/worker-c');
  });

  it('goes to the group with the most claimable rows, the longest idle breaking a tie', () => {
    const rows = [
      claimable('analytics', 'worker-c', MIN_IDLE * 5),
      claimable('notifications', 'worker-a'),
      claimable('notifications', 'worker-a'),
    ];
    expect(defaultFor(seeds(), rows)).toBe('notifications/worker-b');
    expect(defaultFor(seeds(), rows.slice(0, 2))).toBe('analytics/worker-c');
  });

  it('passes over a group with no consumer here, as another application’s', () => {
    const options = targetOptions([
      groupView('orders', [consumer('app-1', null, true)], { createdByStreamscope: false }),
      group('analytics', [consumer('worker-c', workerView())]),
    ]);
    expect(defaultFor(options, [claimable('orders', 'app-1')])).toBe('analytics/worker-c');
    expect(defaultFor([], [claimable('orders', 'app-1')])).toBeUndefined();
  });

  it('keeps the default shown last while it serves: pending rows coming and going under load do not move it', () => {
    const options = seeds();
    const at = (rows: readonly RowAt[], previous: string) =>
      defaultTarget(options, { rows, claimMinIdleMs: MIN_IDLE, previous })?.value;
    // Nothing claimable: fresh rows of either group, snapshot after snapshot, leave it where it was.
    expect(
      at([fresh('notifications', 'worker-a'), fresh('notifications', 'worker-b')], 'analytics/worker-c'),
    ).toBe('analytics/worker-c');
    // Claimable rows of its group: it stays, though another of the group holds none.
    expect(at([claimable('notifications', 'worker-a')], 'notifications/worker-a')).toBe(
      'notifications/worker-a',
    );
    // Claimable rows only elsewhere: it goes to them.
    expect(at([claimable('notifications', 'worker-a')], 'analytics/worker-c')).toBe('notifications/worker-b');
    // Paused since: not kept.
    const paused = seeds({ c: { paused: true } });
    expect(
      defaultTarget(paused, { rows: [], claimMinIdleMs: MIN_IDLE, previous: 'analytics/worker-c' })?.value,
    ).toBe('notifications/worker-a');
  });

  it('with nothing pending, stays near a pick just lost, else takes the first healthy consumer', () => {
    expect(defaultFor(seeds(), [])).toBe('analytics/worker-c');
    const near = { group: 'notifications', consumer: 'worker-b' };
    expect(defaultTarget(seeds(), { rows: [], claimMinIdleMs: MIN_IDLE, near })?.value).toBe(
      'notifications/worker-a',
    );
    // None healthy: the first, paused, as before.
    expect(defaultFor(seeds({ a: { paused: true }, b: { paused: true }, c: { paused: true } }), [])).toBe(
      'analytics/worker-c',
    );
  });
});

describe('effectiveTarget', () => {
  it("keeps the user's pick while it is offered, wherever the rows are; else the default", () => {
    const context = { rows: [claimable('notifications', 'worker-a')], claimMinIdleMs: MIN_IDLE };
    expect(effectiveTarget(seeds(), 'analytics/worker-c', context)?.value).toBe('analytics/worker-c');
    expect(effectiveTarget(seeds(), 'gone/worker-z', context)?.value).toBe('notifications/worker-b');
    expect(effectiveTarget(seeds(), null, context)?.value).toBe('notifications/worker-b');
    expect(effectiveTarget(seeds(), null)?.value).toBe('analytics/worker-c');
    expect(effectiveTarget([], null)).toBeNull();
  });

  it('never defaults to a consumer known only to Redis: entries stuck with a ghost go to the one here', () => {
    const mixed = targetOptions([
      group('notifications', [consumer('ghost', null, false), consumer('worker-a', workerView())]),
    ]);
    const context = { rows: [claimable('notifications', 'ghost')], claimMinIdleMs: MIN_IDLE };
    expect(effectiveTarget(mixed, null, context)?.value).toBe('notifications/worker-a');
  });
});
