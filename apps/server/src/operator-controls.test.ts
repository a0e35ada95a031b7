import type { Snapshot } from '@streamscope/protocol';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { json, postJson, type TestServer, useTestServers } from './testing/test-server.js';

// A consumer paused and an auto-reaper switched on by the operator stay so over a --no-reset restart: kept in
// `<stream key>:controls`, which a reset deletes with the stream.
const redisSuite = usePrivateRedis();
const SEEDS = ['--seed', 'notifications=worker-a,worker-b;analytics=worker-c'];

const startServer = useTestServers(redisSuite);
const start = (
  streamKey: string,
  flags: string[] = [],
  log?: (message: string) => void,
): Promise<TestServer> => startServer(['--stream-key', streamKey, ...SEEDS, ...flags], log);

const post = async (server: TestServer, path: string, body: unknown) => {
  const response = await postJson(server, path, body);
  expect(response.status, `${path} ${await response.clone().text()}`).toBe(200);
  return json(response);
};

const controlsOf = (streamKey: string) => redisSuite.redis.hgetall(`${streamKey}:controls`);

const PAUSED_A = JSON.stringify(['paused', 'notifications', 'worker-a']);
const PAUSED_C = JSON.stringify(['paused', 'analytics', 'worker-c']);
const AUTOREAP_NOTIFICATIONS = JSON.stringify(['autoreap', 'notifications']);
const RETENTION = JSON.stringify(['retention']);

/** Appends straight to Redis, as while no server runs. */
const appendEntries = async (streamKey: string, count: number): Promise<void> => {
  for (let index = 0; index < count; index += 1)
    await redisSuite.redis.xadd(streamKey, '*', 'type', 'order.paid', 'ts_ms', String(Date.now()));
};

/** The operator's choices before a stop: worker-a and worker-c paused, auto-reap on for notifications. */
const pauseAndStop = async (streamKey: string): Promise<void> => {
  const first = await start(streamKey);
  await post(first, '/api/consumer/pause', { group: 'notifications', name: 'worker-a' });
  await post(first, '/api/consumer/pause', { group: 'analytics', name: 'worker-c' });
  await post(first, '/api/autoreap/set', { group: 'notifications', enabled: true });
  expect(await controlsOf(streamKey)).toEqual({
    [PAUSED_A]: '1',
    [PAUSED_C]: '1',
    [AUTOREAP_NOTIFICATIONS]: '1',
  });
  await first.stop();
};

describe("the operator's pauses and auto-reapers", () => {
  it('come back with a --no-reset restart: a paused consumer reads nothing, its share goes to its peer or waits', async () => {
    const streamKey = uniqueStreamKey('controls');
    await pauseAndStop(streamKey);
    await appendEntries(streamKey, 12);

    const second = await start(streamKey, ['--no-reset']);
    const { pipeline } = second.server;
    expect(pipeline.pool.get('notifications', 'worker-a').status().paused).toBe(true);
    expect(pipeline.pool.get('notifications', 'worker-b').status().paused).toBe(false);
    expect(pipeline.pool.get('analytics', 'worker-c').status().paused).toBe(true);
    expect(pipeline.autoReapEnabled('notifications')).toBe(true);
    expect(pipeline.autoReapEnabled('analytics')).toBe(false);
    expect(pipeline.pool.get('notifications', 'worker-b').autoReapMs).toBe(pipeline.options.reapIntervalMs);

    // worker-b takes all twelve; worker-a and worker-c read nothing, and analytics' share stays undelivered.
    await waitFor(
      'worker-b to ack the twelve',
      () => pipeline.groupCounters.get('notifications')?.acked === 12,
    );
    const groups = await pipeline.stream.infoGroups();
    expect(groups.find((group) => group.name === 'notifications')).toMatchObject({ pending: 0, lag: 0 });
    expect(groups.find((group) => group.name === 'analytics')).toMatchObject({ pending: 0, lag: 12 });
    expect(pipeline.pool.get('notifications', 'worker-a').status().processed).toBe(0);
    expect(pipeline.pool.get('analytics', 'worker-c').status().processed).toBe(0);

    // The dashboard shows them: the paused badges and the auto-reap switch.
    const state = await json<Snapshot>(second.server.app.request('/api/state'));
    const group = (name: string) => state.groups.find((each) => each.name === name);
    const consumer = (groupName: string, name: string) =>
      group(groupName)?.consumers.find((each) => each.name === name)?.worker?.paused;
    expect(group('notifications')?.autoReap).toBe(true);
    expect(group('analytics')?.autoReap).toBe(false);
    expect(consumer('notifications', 'worker-a')).toBe(true);
    expect(consumer('notifications', 'worker-b')).toBe(false);
    expect(consumer('analytics', 'worker-c')).toBe(true);

    // Resumed after the restart, worker-c works through its group's share, and the next restart keeps it running.
    await post(second, '/api/consumer/resume', { group: 'analytics', name: 'worker-c' });
    await post(second, '/api/autoreap/set', { group: 'notifications', enabled: false });
    expect(await controlsOf(streamKey)).toEqual({ [PAUSED_A]: '1' });
    await waitFor('worker-c to ack the twelve', () => pipeline.groupCounters.get('analytics')?.acked === 12);
    await second.stop();

    const third = await start(streamKey, ['--no-reset']);
    expect(third.server.pipeline.pool.get('analytics', 'worker-c').status().paused).toBe(false);
    expect(third.server.pipeline.pool.get('notifications', 'worker-a').status().paused).toBe(true);
    expect(third.server.pipeline.autoReapEnabled('notifications')).toBe(false);
    await third.stop();
  });

  it('are deleted by a reset and by a start with reset, which run everything again', async () => {
    const streamKey = uniqueStreamKey('controls-reset');
    await pauseAndStop(streamKey);
    const fresh = await start(streamKey);
    expect(await controlsOf(streamKey)).toEqual({});
    expect(fresh.server.pipeline.pool.workers().map((worker) => worker.status().paused)).toEqual([
      false,
      false,
      false,
    ]);
    expect(fresh.server.pipeline.autoReapEnabled('notifications')).toBe(false);

    await post(fresh, '/api/consumer/pause', { group: 'notifications', name: 'worker-b' });
    await post(fresh, '/api/autoreap/set', { group: 'analytics', enabled: true });
    expect(Object.keys(await controlsOf(streamKey))).toHaveLength(2);
    await post(fresh, '/api/reset', {});
    expect(await controlsOf(streamKey)).toEqual({});
    await fresh.stop();
    const after = await start(streamKey, ['--no-reset']);
    expect(after.server.pipeline.pool.get('notifications', 'worker-b').status().paused).toBe(false);
    expect(after.server.pipeline.autoReapEnabled('analytics')).toBe(false);
    await after.stop();
  });

  it("drop a removed consumer's pause; one added again under its name runs", async () => {
    const streamKey = uniqueStreamKey('controls-remove');
    const server = await start(streamKey);
    await post(server, '/api/consumer/add', { group: 'notifications', name: 'worker-d' });
    await post(server, '/api/consumer/pause', { group: 'notifications', name: 'worker-d' });
    const pausedD = JSON.stringify(['paused', 'notifications', 'worker-d']);
    expect(await controlsOf(streamKey)).toEqual({ [pausedD]: '1' });
    await post(server, '/api/consumer/remove', { group: 'notifications', name: 'worker-d' });
    expect(await controlsOf(streamKey)).toEqual({});

    // A pause left over for a name (a removal whose save failed, say) does not stop a consumer added under it.
    await redisSuite.redis.hset(`${streamKey}:controls`, pausedD, '1');
    await post(server, '/api/consumer/add', { group: 'notifications', name: 'worker-d' });
    expect(await controlsOf(streamKey)).toEqual({});
    await server.stop();
  });

  it("leave another process's consumers and groups alone", async () => {
    const streamKey = uniqueStreamKey('controls-foreign');
    // billing is another process's pool: its choices are in the same hash. Its consumer's pause is not this
    // process's to apply; its auto-reap switch is the group's, shown here as saved, and starts nothing here.
    await redisSuite.redis.hset(
      `${streamKey}:controls`,
      JSON.stringify(['paused', 'billing', 'pod-1']),
      '1',
      JSON.stringify(['autoreap', 'billing']),
      '1',
      'not json',
      '1',
    );
    const server = await start(streamKey, ['--no-reset']);
    expect(server.server.pipeline.pool.groups()).toEqual(['notifications', 'analytics']);
    expect(server.server.pipeline.autoReapEnabled('billing')).toBe(true);
    await post(server, '/api/consumer/pause', { group: 'notifications', name: 'worker-a' });
    expect(Object.keys(await controlsOf(streamKey))).toHaveLength(4);
    await server.stop();
  });

  it('fail the command clearly when Redis refuses the save, keep the choice in force, and save it once Redis takes it', async () => {
    const streamKey = uniqueStreamKey('controls-unsaved');
    const server = await start(streamKey);
    // Another client made the key a string: HSET answers WRONGTYPE.
    await redisSuite.redis.set(`${streamKey}:controls`, 'in the way');
    const response = await postJson(server, '/api/consumer/pause', {
      group: 'notifications',
      name: 'worker-a',
    });
    expect(response.status).toBe(409);
    expect((await json(response)).message).toMatch(
      /consumer notifications\/worker-a is paused on this server, but a restart without reset would not keep it: .*:controls holds a string, not a hash \(another client wrote over it\)/,
    );
    expect(server.server.pipeline.pool.get('notifications', 'worker-a').status().paused).toBe(true);
    await redisSuite.redis.del(`${streamKey}:controls`);
    await waitFor('the pause to be saved again', async () => (await controlsOf(streamKey))[PAUSED_A] === '1');
    await server.stop();
  });
});

describe('the standing retention policy', () => {
  it('comes back with a --no-reset restart, trimming before any worker reads, and a stopped one does not', async () => {
    const streamKey = uniqueStreamKey('controls-retention');
    const first = await start(streamKey);
    expect(await post(first, '/api/retention/set', { maxAgeMs: 1_000 })).toEqual({ maxAgeMs: 1_000 });
    expect(await controlsOf(streamKey)).toEqual({ [RETENTION]: '1000' });
    await first.stop();
    // Appended while no server ran, a minute old by their IDs: past the age the operator asked to keep.
    const old = Date.now() - 60_000;
    for (let index = 0; index < 5; index += 1)
      await redisSuite.redis.xadd(streamKey, `${old}-${index}`, 'type', 'order.paid', 'ts_ms', String(old));

    const second = await start(streamKey, ['--no-reset']);
    const { pipeline } = second.server;
    expect(pipeline.retention.maxAgeMs).toBe(1_000);
    // Trimmed before the groups were handed them: no worker was delivered an entry it was not to see.
    expect(await redisSuite.redis.xlen(streamKey)).toBe(0);
    const groups = await pipeline.stream.infoGroups();
    expect(groups.map((group) => group.entriesRead ?? 0)).toEqual([0, 0]);
    expect((await json<Snapshot>(second.server.app.request('/api/state'))).retention.maxAgeMs).toBe(1_000);
    // And it goes on trimming what ages past it.
    await pipeline.produce(3);
    await waitFor(
      'the policy to trim the three',
      async () => (await redisSuite.redis.xlen(streamKey)) === 0,
      {
        timeoutMs: 10_000,
      },
    );

    expect(await post(second, '/api/retention/set', { maxAgeMs: null })).toEqual({ maxAgeMs: null });
    expect(await controlsOf(streamKey)).toEqual({});
    await second.stop();
    const third = await start(streamKey, ['--no-reset']);
    expect(third.server.pipeline.retention.maxAgeMs).toBeNull();
    await third.server.pipeline.produce(2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await redisSuite.redis.xlen(streamKey)).toBe(2);
    await third.stop();
  });

  it('is deleted by a reset and by a start with reset', async () => {
    const streamKey = uniqueStreamKey('controls-retention-reset');
    const server = await start(streamKey);
    await post(server, '/api/retention/set', { maxAgeMs: 60_000 });
    await post(server, '/api/reset', {});
    expect(server.server.pipeline.retention.maxAgeMs).toBeNull();
    expect(await controlsOf(streamKey)).toEqual({});
    await post(server, '/api/retention/set', { maxAgeMs: 60_000 });
    await server.stop();
    const fresh = await start(streamKey);
    expect(fresh.server.pipeline.retention.maxAgeMs).toBeNull();
    expect(await controlsOf(streamKey)).toEqual({});
    await fresh.stop();
    const after = await start(streamKey, ['--no-reset']);
    expect(after.server.pipeline.retention.maxAgeMs).toBeNull();
    await after.stop();
  });

  it('saved with a value that is not one is left out, and said so; the rest of the saved choices come back', async () => {
    const bad: [string, string][] = [
      ['500', 'maxAgeMs must be at least 1,000'],
      ['"86400000"', 'maxAgeMs must be a number of milliseconds'],
      ['a day', 'maxAgeMs must be a number of milliseconds'],
    ];
    for (const [value, reason] of bad) {
      const streamKey = uniqueStreamKey('controls-retention-bad');
      await redisSuite.redis.hset(`${streamKey}:controls`, RETENTION, value, PAUSED_A, '1');
      const logged: string[] = [];
      const server = await start(streamKey, ['--no-reset'], (message) => logged.push(message));
      expect(server.server.pipeline.retention.maxAgeMs, value).toBeNull();
      expect(server.server.pipeline.pool.get('notifications', 'worker-a').status().paused).toBe(true);
      expect(logged).toContain(
        `controls: the retention policy saved in ${streamKey}:controls, ${JSON.stringify(value)}, is not valid (${reason}): none is restored`,
      );
      await server.stop();
    }
  });

  it('fails the command clearly when Redis refuses the save, keeps the policy as asked, and saves it once Redis takes it', async () => {
    const streamKey = uniqueStreamKey('controls-retention-unsaved');
    const server = await start(streamKey);
    const { pipeline } = server.server;
    await redisSuite.redis.set(`${streamKey}:controls`, 'in the way');
    const set = await postJson(server, '/api/retention/set', { maxAgeMs: 60_000 });
    expect(set.status).toBe(409);
    expect((await json(set)).message).toMatch(
      /the retention policy \(trim entries older than 60000 ms\) is in force on this server, but a restart without reset would not keep it: .*:controls holds a string/,
    );
    expect(pipeline.retention.maxAgeMs).toBe(60_000);
    await redisSuite.redis.del(`${streamKey}:controls`);
    await waitFor(
      'the policy to be saved again',
      async () => (await controlsOf(streamKey))[RETENTION] === '60000',
    );

    // Stopped while the save fails: it stays stopped, and the resave deletes the policy saved before.
    await redisSuite.redis.set(`${streamKey}:controls`, 'in the way');
    const stop = await postJson(server, '/api/retention/set', { maxAgeMs: null });
    expect(stop.status).toBe(409);
    expect((await json(stop)).message).toMatch(
      /the retention policy is stopped on this server, but a restart without reset would not keep it/,
    );
    expect(pipeline.retention.maxAgeMs).toBeNull();
    await redisSuite.redis
      .multi()
      .del(`${streamKey}:controls`)
      .hset(`${streamKey}:controls`, RETENTION, '60000')
      .exec();
    await waitFor('the stop to be saved', async () => (await controlsOf(streamKey))[RETENTION] === undefined);
    await server.stop();
  });
});
