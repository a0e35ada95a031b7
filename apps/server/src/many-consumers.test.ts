import { LIMITS, type Snapshot } from '@streamscope/protocol';
import { EventStream } from '@streamscope/streams';
import { commandCalls, uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { describe, expect, it, vi } from 'vitest';
import { json, useTestServers } from './testing/test-server.js';

// Redis keeps a consumer until it is deleted: a deployment naming one per pod gathers thousands in a group, and
// every one of them went into each snapshot, four a second to every page.
const redisSuite = usePrivateRedis();
const start = useTestServers(redisSuite);

const podName = (n: number) => `pod-${String(n).padStart(4, '0')}`;

/** `XGROUP CREATECONSUMER` for each name, in one round trip. */
async function createConsumers(streamKey: string, group: string, names: readonly string[]) {
  const batch = redisSuite.redis.multi();
  for (const name of names) batch.call('XGROUP', 'CREATECONSUMER', streamKey, group, name);
  await batch.exec();
}

describe('a group of 1,000 consumers', () => {
  it("sends the cap, keeping this server's workers, those holding entries and the most recently active, and counts the rest", async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('many-consumers');
    for (let n = 0; n < 5; n++) await redis.xadd(streamKey, '*', 'type', 'order.placed');
    await redis.xgroup('CREATE', streamKey, 'notifications', '0');
    // A pod that took two entries and went away: among the idlest, and still kept, for what it holds.
    await redis.xreadgroup('GROUP', 'notifications', podName(1), 'COUNT', 2, 'STREAMS', streamKey, '>');
    await createConsumers(
      streamKey,
      'notifications',
      Array.from({ length: 999 }, (_, n) => podName(n + 2)),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const recent = ['pod-recent-1', 'pod-recent-2', 'pod-recent-3'];
    await createConsumers(streamKey, 'notifications', recent);
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-a']);

    const state = await json<Snapshot>(server.server.app.request('/api/state'));
    const group = state.groups.find((candidate) => candidate.name === 'notifications');
    if (group === undefined) throw new Error('no group notifications in the snapshot');
    const names = group.consumers.map((consumer) => consumer.name);
    expect(names).toHaveLength(LIMITS.snapshotConsumersPerGroup);
    // 1,003 pods and worker-a (whether Redis lists it yet or not): the count stays whole.
    expect(group.consumers.length + group.consumersOmitted).toBe(1_004);
    expect(group.consumers.find((consumer) => consumer.name === 'worker-a')?.worker).not.toBeNull();
    expect(group.consumers.find((consumer) => consumer.name === podName(1))?.pending).toBe(2);
    expect(names).toEqual(expect.arrayContaining(recent));
    // Still in counting order by name.
    expect(names.slice(0, 3)).toEqual([
      podName(1),
      expect.stringMatching(/^pod-0/),
      expect.stringMatching(/^pod-0/),
    ]);

    const reference = await json(server.server.app.request('/state'));
    const referenceGroup = reference.groups.find(
      (candidate: { name: string }) => candidate.name === 'notifications',
    );
    expect(referenceGroup.consumers).toBe(1_004);
    expect(referenceGroup.consumers_detail).toHaveLength(LIMITS.snapshotConsumersPerGroup);

    const metrics = await (await server.server.app.request('/metrics')).text();
    const idleSeries = metrics
      .split('\n')
      .filter((line) => line.startsWith('streamscope_consumer_idle_seconds{'));
    expect(idleSeries).toHaveLength(LIMITS.snapshotConsumersPerGroup);
  });
});

describe('a stream of 56 groups', () => {
  it("sends the cap, this server's group first, counts the rest and their pending entries, and reads nothing of them", async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('many-groups');
    for (let n = 0; n < 5; n++) await redis.xadd(streamKey, '*', 'type', 'order.placed');
    const others = Array.from({ length: 55 }, (_, n) => `audit-${String(n).padStart(2, '0')}`);
    for (const name of others) await redis.xgroup('CREATE', streamKey, name, '0');
    // The last by name, so left out: its three pending entries are counted among those left out.
    await redis.xreadgroup('GROUP', 'audit-54', 'pod', 'COUNT', 3, 'STREAMS', streamKey, '>');
    // After every audit-* by name, and kept: this server runs it.
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'zeta=worker-a']);

    const before = await commandCalls(redis, 'xinfo\\|consumers');
    const state = await json<Snapshot>(server.server.app.request('/api/state'));
    expect(await commandCalls(redis, 'xinfo\\|consumers')).toBe(before + LIMITS.snapshotGroups);
    const names = state.groups.map((group) => group.name);
    expect(names).toHaveLength(LIMITS.snapshotGroups);
    expect(state.groupsOmitted).toBe(6);
    expect(names).toEqual([...others.slice(0, LIMITS.snapshotGroups - 1), 'zeta']);
    expect(state.pending.omitted).toBe(3);
    expect(state.pending.rows).toEqual([]);
  });
});

describe("pending rows of a group whose oldest entries are all one consumer's", () => {
  it("lists each other consumer's oldest entries beside the group's first rows, and counts the rest", async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('unlisted-pending');
    for (let n = 0; n < 70; n++) await redis.xadd(streamKey, '*', 'type', 'order.placed');
    await redis.xgroup('CREATE', streamKey, 'billing', '0');
    // The stuck one holds the 60 oldest; the others' entries all come after the group's first rows.
    await redis.xreadgroup('GROUP', 'billing', 'stuck', 'COUNT', 60, 'STREAMS', streamKey, '>');
    await redis.xreadgroup('GROUP', 'billing', 'busy', 'COUNT', 3, 'STREAMS', streamKey, '>');
    await redis.xreadgroup('GROUP', 'billing', 'flooded', 'COUNT', 7, 'STREAMS', streamKey, '>');
    await redis.call('XGROUP', 'CREATECONSUMER', streamKey, 'billing', 'idle');
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const calls = await commandCalls(redis, 'xpending');
    const { pending } = await json<Snapshot>(server.server.app.request('/api/state'));
    const byConsumer = (name: string) => pending.rows.filter((row) => row.consumer === name).length;
    expect([byConsumer('stuck'), byConsumer('busy'), byConsumer('flooded')]).toEqual([50, 3, 7]);
    expect(pending.omitted).toBe(10);
    expect(pending.rows.every((row) => row.eventType === 'order.placed')).toBe(true);
    // One read for the group's rows, one for its summary, and one for each consumer holding entries unlisted.
    expect((await commandCalls(redis, 'xpending')) - calls).toBe(4);
  });
});

describe('pending rows of a group acked between XINFO GROUPS and XPENDING', () => {
  it('counts none left out when XPENDING listed fewer rows than the cap, whatever XINFO GROUPS said before', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('pending-skew');
    for (let n = 0; n < 30; n++) await redis.xadd(streamKey, '*', 'type', 'order.placed');
    await redis.xgroup('CREATE', streamKey, 'billing', '0');
    const read = await redis.xreadgroup('GROUP', 'billing', 'pod', 'COUNT', 30, 'STREAMS', streamKey, '>');
    const ids = (read as [string, [string, string[]][]][])[0]?.[1].map(([id]) => id) ?? [];
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    // Ten acks land after the snapshot's XINFO GROUPS (30 pending) and before its XPENDING (20 rows).
    const infoGroups = EventStream.prototype.infoGroups;
    const spy = vi.spyOn(EventStream.prototype, 'infoGroups').mockImplementation(async function (
      this: EventStream,
    ) {
      const groups = await infoGroups.call(this);
      if (this.streamKey === streamKey) await redis.xack(streamKey, 'billing', ...ids.slice(0, 10));
      return groups;
    });
    try {
      const { groups, pending } = await json<Snapshot>(server.server.app.request('/api/state'));
      expect(groups.find((group) => group.name === 'billing')?.pending).toBe(30);
      expect(pending.rows).toHaveLength(20);
      // It said 10 were left out, of a group listed whole far under the cap of 50.
      expect(pending.omitted).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
