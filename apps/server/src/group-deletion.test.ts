import { RedisServer, uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { json, postJson, startTestServer, type TestServer, useTestServers } from './testing/test-server.js';

// group.delete under way while consumers work, and cut off part-way: nothing forgotten, and what it stopped (and
// only that) back as it was.
const redisSuite = usePrivateRedis();
const start = useTestServers(redisSuite);
const groupNames = async (test: TestServer) =>
  (await test.server.pipeline.stream.infoGroups()).map((group) => group.name);
const pendingOf = async (test: TestServer, name: string) =>
  (await test.server.pipeline.stream.infoGroups()).find((group) => group.name === name)?.pending;
const running = (test: TestServer) =>
  test.server.pipeline.pool
    .workers()
    .map((worker) => `${worker.group}/${worker.name}${worker.status().paused ? ' (paused)' : ''}`)
    .sort();

/** The user's own changes to the seeds: worker-b retired, analytics deleted; then a group x of two, one paused. */
async function arrange(test: TestServer): Promise<void> {
  const post = (path: string, body: unknown) => postJson(test, path, body);
  expect((await post('/api/consumer/remove', { group: 'notifications', name: 'worker-b' })).status).toBe(200);
  expect((await post('/api/group/delete', { group: 'analytics', discardPending: true })).status).toBe(200);
  expect((await post('/api/group/create', { group: 'x', startId: '$' })).status).toBe(200);
  expect((await post('/api/consumer/add', { group: 'x', name: 'x-1' })).status).toBe(200);
  expect((await post('/api/consumer/add', { group: 'x', name: 'x-2' })).status).toBe(200);
  expect((await post('/api/consumer/pause', { group: 'x', name: 'x-2' })).status).toBe(200);
}

const arranged = ['notifications/worker-a', 'x/x-1', 'x/x-2 (paused)'];

it('deletes, without discardPending, a group whose consumer is at work on an entry: it finishes and acks it first', async () => {
  const test = await start(['--process-latency-ms', '300', '--seed', 'none']);
  const post = (path: string, body: unknown) => postJson(test, path, body);
  await json(post('/api/group/create', { group: 'busy', startId: '$' }));
  await json(post('/api/consumer/add', { group: 'busy', name: 'busy-1' }));
  const [id] = await test.server.pipeline.produce(1);
  await waitFor('the entry in hand', async () => (await pendingOf(test, 'busy')) === 1);
  expect(await json(post('/api/group/delete', { group: 'busy' }))).toEqual({
    group: 'busy',
    consumersStopped: ['busy-1'],
    pendingDiscarded: 0,
  });
  const steps = test.server.pipeline.history.of(id as string).map((event) => event.kind);
  expect(steps).toContain('acked');
});

it('a delete refused as its consumers left an entry pending while they stopped starts those again as they were, and nothing else', async () => {
  const test = await start(['--process-latency-ms', '300']);
  await arrange(test);
  // x-1 takes the poison pill, and its handler fails only after the delete has begun.
  expect((await postJson(test, '/api/poison/inject', {})).status).toBe(200);
  await waitFor('the pill in x-1’s hands', async () => (await pendingOf(test, 'x')) === 1);
  const refused = await postJson(test, '/api/group/delete', { group: 'x' });
  expect(refused.status).toBe(409);
  expect((await json(refused)).message).toMatch(
    /group x holds 1 pending entry that its consumers here left unacked as they stopped \(they are running again\)/,
  );
  expect(running(test)).toEqual(arranged);
  // The deleted seed group stays deleted, the retired seed consumer retired.
  expect(await groupNames(test)).toEqual(['notifications', 'x']);
});

it('a delete cut off by Redis after its consumers stopped starts those again once Redis is back, as they were, and nothing else', async () => {
  const redis = await RedisServer.start({ appendOnly: true });
  const test = await startTestServer([], { redis });
  try {
    await arrange(test);
    const pipeline = test.server.pipeline;
    const closeGroup = pipeline.pool.closeGroup.bind(pipeline.pool);
    pipeline.pool.closeGroup = async (group) => {
      const stood = await closeGroup(group);
      await redis.kill();
      return stood;
    };
    const cut = await postJson(test, '/api/group/delete', { group: 'x' });
    pipeline.pool.closeGroup = closeGroup;
    expect(cut.status).toBe(503);
    expect(running(test)).toEqual(['notifications/worker-a']);
    await redis.restart();
    await waitFor('x’s consumers back', () => running(test).length === arranged.length, {
      timeoutMs: 15_000,
    });
    expect(running(test)).toEqual(arranged);
    expect(await groupNames(test)).toEqual(['notifications', 'x']);
  } finally {
    await test.stop();
    await redis.stop();
  }
});

it('a group whose consumers here are all paused, lost as Redis restarts without its data, is made again at once, still paused, and counts what trimming takes from it', async () => {
  const redis = await RedisServer.start();
  const test = await startTestServer(['--maxlen', '100'], { redis });
  try {
    expect(
      (await postJson(test, '/api/consumer/pause', { group: 'analytics', name: 'worker-c' })).status,
    ).toBe(200);
    await redis.kill();
    await redis.restart();
    // worker-c reads nothing, so no failed read of its tells: the saved choices' read of the groups does.
    await waitFor('analytics made again', async () => (await groupNames(test)).includes('analytics'), {
      timeoutMs: 15_000,
    });
    expect(running(test)).toContain('analytics/worker-c (paused)');
    // Two looks, as a dashboard's ticks take, around the entries trimmed: losses are seen between them.
    await json(test.server.app.request('/api/state'));
    await test.server.pipeline.produce(300);
    const { groups } = await json(test.server.app.request('/api/state'));
    const analytics = groups.find((group: { name: string }) => group.name === 'analytics');
    // Made at once, before the 300: what trimming took of them is its loss, not passed over by a group made later.
    expect(analytics.trimmedUnread).toBeGreaterThan(0);
    expect(analytics.lag + analytics.trimmedUnread).toBe(300);
  } finally {
    await test.stop();
    await redis.stop();
  }
});

it('of 100 concurrent creates of one name, exactly one wins; the others are told the name is taken', async () => {
  const test = await start(['--seed', 'none']);
  const answers = await Promise.all(
    Array.from({ length: 100 }, () => postJson(test, '/api/group/create', { group: 'one', startId: '0-0' })),
  );
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(1);
  expect(statuses.filter((status) => status === 409)).toHaveLength(99);
});

it('refuses to move back a group that a Streamscope worker in another process reads: that process would do it all again', async () => {
  const streamKey = uniqueStreamKey('rewind-elsewhere');
  const watcher = await start(['--stream-key', streamKey, '--seed', 'none']);
  const runner = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'analytics=worker-c']);
  const ids = await watcher.server.pipeline.produce(10);
  const last = ids.at(-1) as string;
  const acks = () => runner.server.pipeline.history.of(last).filter((event) => event.kind === 'acked').length;
  await waitFor('the runner to ack them', () => acks() === 1);
  const refused = await postJson(watcher, '/api/group/setid', { group: 'analytics', id: '0-0' });
  expect(refused.status).toBe(409);
  expect((await json(refused)).message).toMatch(
    /group analytics is read by Streamscope workers in another process \(worker-c\): moved back from here, they would process again .* Move it from the server that runs them/,
  );
  expect((await pendingOf(runner, 'analytics')) ?? 0).toBe(0);
  // Forward is harmless; from the server that runs it, back is counted as duplicates.
  expect((await postJson(watcher, '/api/group/setid', { group: 'analytics', id: '$' })).status).toBe(200);
  expect((await postJson(runner, '/api/group/setid', { group: 'analytics', id: '0-0' })).status).toBe(200);
  await runner.server.pipeline.produce(1);
  await waitFor('the runner to ack them again', () => acks() === 2);
  expect(runner.server.pipeline.groupCounters.get('analytics')?.duplicates).toBeGreaterThanOrEqual(10);
});

it('a reset cut off by Redis after its consumers stopped starts them again once Redis is back, paused and with crashes queued as they were', async () => {
  const redis = await RedisServer.start({ appendOnly: true });
  const test = await startTestServer([], { redis });
  try {
    const pipeline = test.server.pipeline;
    expect(
      (await postJson(test, '/api/consumer/pause', { group: 'notifications', name: 'worker-a' })).status,
    ).toBe(200);
    pipeline.pool.get('analytics', 'worker-c').crashNext(3);
    const closeAll = pipeline.pool.closeAll.bind(pipeline.pool);
    pipeline.pool.closeAll = async () => {
      await closeAll();
      await redis.kill();
    };
    await expect(pipeline.reset()).rejects.toThrow();
    pipeline.pool.closeAll = closeAll;
    expect(running(test)).toEqual([]);
    await redis.restart();
    // Back once worker-c has its crashes again: they are queued on its new worker just after it starts.
    await waitFor(
      'the seeds back',
      () =>
        running(test).length === 3 && pipeline.pool.find('analytics', 'worker-c')?.status().crashQueued !== 0,
      { timeoutMs: 15_000 },
    );
    expect(running(test)).toEqual([
      'analytics/worker-c',
      'notifications/worker-a (paused)',
      'notifications/worker-b',
    ]);
    expect(pipeline.pool.get('analytics', 'worker-c').status().crashQueued).toBe(3);
  } finally {
    await test.stop();
    await redis.stop();
  }
});
