import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import type { Pipeline } from './pipeline/pipeline.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

// The saved pauses and auto-reap switches under commands that race each other, a reset, a removal, a close,
// and a controls key someone else filled or broke.
const redisSuite = usePrivateRedis();
const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

const SEEDS = ['--seed', 'notifications=worker-a,worker-b;analytics=worker-c'];

const start = async (streamKey: string, flags: string[] = [], log?: (message: string) => void) => {
  const server = await startTestServer(['--stream-key', streamKey, ...SEEDS, ...flags], {
    redis: redisSuite.server,
    ...(log ? { log } : {}),
  });
  servers.push(server);
  return server;
};

const request = (server: TestServer, path: string, body: unknown) =>
  server.server.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const controlsOf = (streamKey: string) => redisSuite.redis.hgetall(`${streamKey}:controls`);
const pausedField = (group: string, name: string) => JSON.stringify(['paused', group, name]);
const autoReapField = (group: string) => JSON.stringify(['autoreap', group]);

/** What the pipeline runs, as the controls hash would hold it. */
const inForce = (pipeline: Pipeline): Record<string, string> => {
  const expected: Record<string, string> = {};
  for (const worker of pipeline.pool.workers())
    if (worker.status().paused) expected[pausedField(worker.group, worker.name)] = '1';
  for (const group of pipeline.pool.groups())
    if (pipeline.autoReapEnabled(group)) expected[autoReapField(group)] = '1';
  return expected;
};

describe('saved operator controls under races', () => {
  it('pauses and resumes sent at once end saved exactly as they end in force', async () => {
    const streamKey = uniqueStreamKey('controls-flurry');
    const server = await start(streamKey);
    const { pipeline } = server.server;
    for (let round = 0; round < 5; round += 1) {
      const commands = Array.from({ length: 20 }, (_, index) => {
        const name = index % 3 === 0 ? 'worker-b' : 'worker-a';
        const action = Math.random() < 0.5 ? 'pause' : 'resume';
        return request(server, `/api/consumer/${action}`, { group: 'notifications', name });
      });
      commands.push(request(server, '/api/autoreap/set', { group: 'analytics', enabled: round % 2 === 0 }));
      for (const response of await Promise.all(commands)) expect(response.status).toBe(200);
      expect(await controlsOf(streamKey)).toEqual(inForce(pipeline));
    }
  });

  it('a pause racing the removal of its consumer leaves no entry for it, and fails, if at all, as not found', async () => {
    const streamKey = uniqueStreamKey('controls-pause-remove');
    const server = await start(streamKey);
    for (const name of ['worker-d', 'worker-e', 'worker-f']) {
      expect((await request(server, '/api/consumer/add', { group: 'notifications', name })).status).toBe(200);
      const [pause, remove, late] = await Promise.all([
        request(server, '/api/consumer/pause', { group: 'notifications', name }),
        request(server, '/api/consumer/remove', { group: 'notifications', name }),
        request(server, '/api/consumer/pause', { group: 'notifications', name }),
      ]);
      expect(remove.status).toBe(200);
      expect([200, 404]).toContain(pause.status);
      expect([200, 404]).toContain(late.status);
    }
    expect(await controlsOf(streamKey)).toEqual({});
  });

  it('a pause or an auto-reap switch racing a reset is saved only if it is in force after it', async () => {
    const streamKey = uniqueStreamKey('controls-reset-race');
    const server = await start(streamKey);
    const { pipeline } = server.server;
    const responses = await Promise.all([
      request(server, '/api/consumer/pause', { group: 'notifications', name: 'worker-a' }),
      request(server, '/api/autoreap/set', { group: 'notifications', enabled: true }),
      request(server, '/api/reset', {}),
      request(server, '/api/consumer/pause', { group: 'analytics', name: 'worker-c' }),
      request(server, '/api/autoreap/set', { group: 'analytics', enabled: true }),
    ]);
    for (const response of responses) expect([200, 404]).toContain(response.status);
    expect(await controlsOf(streamKey)).toEqual(inForce(pipeline));
  });

  it('an auto-reap switch made while a reset is deleting the saved choices is saved only if the reset keeps it', async () => {
    const streamKey = uniqueStreamKey('controls-reset-del');
    const server = await start(streamKey);
    const { pipeline } = server.server;
    const redis = pipeline.options.redis;
    const del = redis.del.bind(redis);
    let switched: Promise<unknown> | undefined;
    // Switched on just after the reset's DEL of the controls key has gone out, before the reset has finished.
    redis.del = ((...args: unknown[]) => {
      const result = Reflect.apply(del, redis, args) as Promise<number>;
      if (args[0] === `${streamKey}:controls` && !switched)
        switched = pipeline.setAutoReap('analytics', true);
      return result;
    }) as typeof redis.del;
    try {
      await pipeline.reset();
      await switched;
    } finally {
      redis.del = del;
    }
    expect(switched).toBeDefined();
    expect(await controlsOf(streamKey)).toEqual(inForce(pipeline));
    expect(pipeline.autoReapEnabled('analytics')).toBe(
      pipeline.pool.get('analytics', 'worker-c').autoReapMs !== null,
    );
  });

  it('a pause whose save failed, then its consumer removed: the later save drops the entry, not revives it', async () => {
    const streamKey = uniqueStreamKey('controls-unsaved-remove');
    const server = await start(streamKey);
    expect(
      (await request(server, '/api/consumer/add', { group: 'notifications', name: 'worker-d' })).status,
    ).toBe(200);
    await redisSuite.redis.set(`${streamKey}:controls`, 'in the way');
    expect(
      (await request(server, '/api/consumer/pause', { group: 'notifications', name: 'worker-d' })).status,
    ).toBe(500);
    expect(
      (await request(server, '/api/consumer/remove', { group: 'notifications', name: 'worker-d' })).status,
    ).toBe(200);
    await redisSuite.redis.del(`${streamKey}:controls`);
    // A pause of worker-a made meanwhile is saved by the same resave; worker-d's entry never comes back.
    expect(
      (await request(server, '/api/consumer/pause', { group: 'notifications', name: 'worker-a' })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await controlsOf(streamKey)).toEqual({ [pausedField('notifications', 'worker-a')]: '1' });
  });

  it('a close with a resave scheduled writes nothing after it', async () => {
    const streamKey = uniqueStreamKey('controls-close-resave');
    const server = await start(streamKey);
    await redisSuite.redis.set(`${streamKey}:controls`, 'in the way');
    expect(
      (await request(server, '/api/consumer/pause', { group: 'notifications', name: 'worker-a' })).status,
    ).toBe(500);
    await server.stop();
    await redisSuite.redis.del(`${streamKey}:controls`);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await redisSuite.redis.exists(`${streamKey}:controls`)).toBe(0);
  });
});
