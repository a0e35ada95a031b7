import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { json, postJson, type TestServer, useTestServers } from './testing/test-server.js';

// The seed's "separate consumer pool per group": each group runs in a process of its own, all on one stream.
const redisSuite = usePrivateRedis();
const startServer = useTestServers(redisSuite);
interface GroupState {
  name: string;
  pending: number;
  lag: number | null;
  consumers: { name: string; worker: { processed: number } | null; connected: boolean | null }[];
}
const groupsOf = async (server: TestServer): Promise<GroupState[]> =>
  (await json(server.server.app.request('/api/state'))).groups;

it('runs one group per process on one stream: each acks every entry, each dashboard sees the other pool', async () => {
  const streamKey = uniqueStreamKey('pools');
  const start = (flags: string[]) => startServer(['--stream-key', streamKey, ...flags]);
  const analytics = await start(['--seed', 'analytics=worker-c']);
  const notifications = await start(['--no-reset', '--seed', 'notifications=worker-a,worker-b']);
  const watcher = await start(['--no-reset', '--seed', 'none']);
  expect(watcher.server.seeded).toEqual({
    groups: 0,
    consumers: 0,
    restored: 0,
    resumed: { groups: 0, consumers: 0 },
    paused: [],
  });

  const produced = await postJson(analytics, '/api/produce', { count: 200 });
  expect(produced.status).toBe(200);
  // Each pool's workers' own count, not only Redis's empty PELs as the watcher sees them: a worker counts a
  // batch once its XACK has answered, a moment after another connection already sees the PEL empty.
  const processedIn = (pool: TestServer) =>
    pool.server.pipeline.pool.workers().reduce((sum, worker) => sum + worker.status().processed, 0);
  await waitFor(
    'both groups to ack all 200',
    async () => {
      if (processedIn(analytics) < 200 || processedIn(notifications) < 200) return false;
      const groups = await groupsOf(watcher);
      return groups.length === 2 && groups.every((group) => group.pending === 0 && group.lag === 0);
    },
    { timeoutMs: 15_000 },
  );
  // Each process acked only its own group's share...
  expect(analytics.server.pipeline.totals().acked).toBe(200);
  expect(notifications.server.pipeline.totals().acked).toBe(200);
  expect(watcher.server.pipeline.totals().acked).toBe(0);

  // ...and each dashboard shows the other pool's consumers as known to Redis only.
  const seenByAnalytics = await groupsOf(analytics);
  const byName = new Map(seenByAnalytics.map((group) => [group.name, group]));
  expect(byName.get('analytics')?.consumers.map((consumer) => consumer.worker?.processed)).toEqual([200]);
  expect(
    byName
      .get('notifications')
      ?.consumers.map((consumer) => [consumer.name, consumer.worker, consumer.connected]),
  ).toEqual([
    ['worker-a', null, true],
    ['worker-b', null, true],
  ]);
  // A name the other pool is using is taken here too: two workers would share (and hand over) one PEL.
  const taken = await postJson(analytics, '/api/consumer/add', { group: 'notifications', name: 'worker-a' });
  expect(taken.status).toBe(409);
  expect(await json(taken)).toMatchObject({
    message: /notifications\/worker-a is in use: a Streamscope worker in another process holds it/,
    fields: ['name'],
  });
  // Nor can it be removed from here: its own process runs it.
  const elsewhere = await postJson(analytics, '/api/consumer/remove', {
    group: 'notifications',
    name: 'worker-a',
  });
  expect(elsewhere.status).toBe(409);
  expect((await json(elsewhere)).message).toMatch(
    /run by a Streamscope worker in another process: remove it there/,
  );
  // The reference /state calls the other pool's consumers alive, by how lately Redis saw them.
  const reference = await json(analytics.server.app.request('/state'));
  const detail = reference.groups.find(
    (group: { name: string }) => group.name === 'notifications',
  ).consumers_detail;
  expect(detail.map((consumer: { name: string; alive: boolean }) => [consumer.name, consumer.alive])).toEqual(
    [
      ['worker-a', true],
      ['worker-b', true],
    ],
  );

  const split = (await groupsOf(notifications))
    .find((group) => group.name === 'notifications')
    ?.consumers.map((consumer) => consumer.worker?.processed ?? 0);
  expect(split?.reduce((sum, processed) => sum + processed, 0)).toBe(200);

  // Rates come from Redis's counts, so each dashboard shows the other pool's pace too.
  analytics.server.pipeline.producer.start(200, null);
  await waitFor(
    "notifications' pace to show on the analytics server",
    async () => {
      const snapshot = await json(analytics.server.app.request('/api/state'));
      const rates = snapshot.groups.find((group: { name: string }) => group.name === 'notifications');
      return rates.deliveredPerSec > 0 && rates.ackedPerSec > 0;
    },
    { timeoutMs: 10_000 },
  );
  await analytics.server.pipeline.producer.stop();

  // Stopped, the other pool's workers close their connections: their consumers are names Redis remembers.
  await notifications.stop();
  const after = (await groupsOf(analytics)).find((group) => group.name === 'notifications');
  expect(after?.consumers.map((consumer) => consumer.connected)).toEqual([false, false]);
});

it('a reset in one process: the other re-creates its groups, and its workers carry on', async () => {
  const streamKey = uniqueStreamKey('pools-reset');
  const logged: string[] = [];
  const resetter = await startServer(['--stream-key', streamKey, '--seed', 'analytics=worker-c']);
  const other = await startServer(
    ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-a,worker-b'],
    (message) => logged.push(message),
  );

  await resetter.server.pipeline.produce(20);
  await waitFor('notifications to ack 20', () => other.server.pipeline.totals().acked === 20);
  await resetter.server.pipeline.reset();
  await resetter.server.pipeline.produce(30);
  // Both groups' acks: analytics is worked by the resetter, at its own pace, not in step with the other.
  await waitFor(
    'notifications, re-created, and analytics to ack the 30 produced after the reset',
    () => other.server.pipeline.totals().acked === 50 && resetter.server.pipeline.totals().acked === 30,
    { timeoutMs: 15_000 },
  );
  expect(logged.join('\n')).toMatch(
    /group notifications was deleted under its consumers here .* re-created it from 0-0/,
  );
  // The other process's guard went with the stream too: the reset emptied it before notifications, re-created,
  // marked the 30 it acked since.
  expect(await redisSuite.redis.zcard(`${streamKey}:processed:notifications`)).toBe(30);
  const groups = await groupsOf(other);
  expect(groups.map((group) => [group.name, group.pending, group.lag]).sort()).toEqual([
    ['analytics', 0, 0],
    ['notifications', 0, 0],
  ]);
});

it('a consumer added while a reset runs starts after it, on a group that exists', async () => {
  const test = await startServer(['--seed', 'none']);
  const { pipeline } = test.server;
  await pipeline.addConsumer('hand', 'h1');
  const reset = pipeline.reset();
  const added = pipeline.addConsumer('hand', 'h2');
  await Promise.all([reset, added]);
  const groups = await pipeline.stream.infoGroups();
  expect(groups.map((group) => group.name)).toEqual(['hand']);
  await waitFor('h2 to read from the group', async () =>
    (await pipeline.stream.infoConsumers('hand')).some((consumer) => consumer.name === 'h2'),
  );
  await pipeline.produce(5);
  await waitFor('h2 to ack all 5', () => pipeline.totals().acked === 5);
});

it('snapshots taken while resets run skip a group deleted under them instead of failing', async () => {
  const test = await startServer([]);
  const { app, pipeline } = test.server;
  let resetting = true;
  const resets = (async () => {
    for (let round = 0; round < 25; round++) await pipeline.reset();
    resetting = false;
  })();
  const statuses = new Set<number>();
  while (resetting) {
    const answers = await Promise.all([
      app.request('/api/state'),
      app.request('/state'),
      app.request('/metrics'),
    ]);
    for (const answer of answers) statuses.add(answer.status);
  }
  await resets;
  expect([...statuses]).toEqual([200]);
});

it('a server started with a seed name another live process runs leaves that consumer to it', async () => {
  const streamKey = uniqueStreamKey('pools-seed');
  await startServer(['--stream-key', streamKey, '--seed', 'notifications=worker-a']);
  const logged: string[] = [];
  const second = await startServer(
    ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-a,worker-b'],
    (message) => logged.push(message),
  );
  expect(second.server.seeded).toMatchObject({
    consumers: 1,
    restored: 0,
    resumed: { groups: 1, consumers: 1 },
  });
  expect(second.server.pipeline.pool.workers().map((worker) => worker.name)).toEqual(['worker-b']);
  expect(logged.join('\n')).toMatch(
    /notifications\/worker-a is run by a Streamscope worker in another process/,
  );
});

it('a group deleted alone, its stream kept: re-created from 0-0, what it had processed comes again as duplicates', async () => {
  const test = await startServer(['--seed', 'notifications=worker-a']);
  const { pipeline } = test.server;
  await pipeline.produce(20);
  await waitFor('notifications to ack 20', () => pipeline.totals().acked === 20);
  // By hand, or by a tool that knows only the group: the 20 entries stay in the stream.
  await redisSuite.redis.call('XGROUP', 'DESTROY', pipeline.stream.streamKey, 'notifications');
  await pipeline.produce(5);
  await waitFor(
    'the re-created group to ack all 25 again',
    async () =>
      (await pipeline.stream.infoGroups()).some(
        (group) => group.name === 'notifications' && group.lag === 0 && group.pending === 0,
      ),
    { timeoutMs: 15_000 },
  );
  // The 20 it had processed were acked without doing the work again; the 5 new ones were work.
  expect(pipeline.groupCounters.get('notifications')?.duplicates).toBe(20);
});

it("refuses a start that would reset the stream under another process's workers, deleting nothing", async () => {
  const streamKey = uniqueStreamKey('pools');
  const first = await startServer(['--stream-key', streamKey, '--seed', 'analytics=worker-c']);
  await postJson(first, '/api/consumer/crash', { group: 'analytics', name: 'worker-c', count: 2 });
  await postJson(first, '/api/produce', { count: 5 });
  const redis = first.server.pipeline.stream.redis;
  await waitFor('two entries pending', async () => (await groupsOf(first))[0]?.pending === 2);

  // Forgetting --no-reset used to delete the stream, and worker-c's pending entries with it.
  await expect(startServer(['--stream-key', streamKey, '--seed', 'notifications=worker-a'])).rejects.toThrow(
    `another Streamscope process runs workers on ${streamKey} (analytics/worker-c): a reset would delete the stream and their pending entries under them. Start this one with --no-reset to share the stream, or stop that process first.`,
  );
  expect(await redis.xlen(streamKey)).toBe(5);
  expect((await groupsOf(first))[0]).toMatchObject({ name: 'analytics', pending: 2 });
  // With --no-reset it joins.
  const second = await startServer([
    '--stream-key',
    streamKey,
    '--no-reset',
    '--seed',
    'notifications=worker-a',
  ]);
  expect(second.server.seeded).toMatchObject({ groups: 1, consumers: 1 });
});
