import { connectedWorkers } from '@streamscope/streams';
import { dropConnectionDuringAppend, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { startTestServer } from './testing/test-server.js';

// Commands that overlap each other or the server's own lifecycle: each ends in a clear error or a correct
// result, and leaves nothing behind.
const redisSuite = usePrivateRedis();

/** Holds every call of `object[method]` until released; `calls()` counts those that arrived. */
function hold<O extends object, K extends keyof O>(object: O, method: K) {
  const original = object[method] as (...args: unknown[]) => Promise<unknown>;
  let calls = 0;
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  (object as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    calls += 1;
    await released;
    return original.apply(object, args);
  };
  return { calls: () => calls, release };
}

it('a consumer add in flight when the server closes starts no worker after it', async () => {
  const test = await startTestServer([], { redis: redisSuite.server });
  const { pipeline } = test.server;
  const streamKey = pipeline.stream.streamKey;
  // The add waits on Redis (its in-use check) while the server closes its workers.
  const check = hold(pipeline.stream, 'infoConsumers');
  const adding = pipeline.addConsumer('notifications', 'late').then(
    () => null,
    (error: unknown) => error,
  );
  await waitFor('the add to reach Redis', () => check.calls() > 0);
  const closeAll = pipeline.pool.closeAll.bind(pipeline.pool);
  pipeline.pool.closeAll = async () => {
    await closeAll();
    // Redis still open: the add carries on now, as it would if its reply came back just then.
    check.release();
    await adding;
  };
  try {
    await test.server.close();
    expect(await adding).toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/shutting down/),
    });
    expect(pipeline.pool.workers()).toEqual([]);
    const left = await connectedWorkers(redisSuite.redis);
    expect(left.filter((worker) => worker.streamKey === streamKey)).toEqual([]);
  } finally {
    check.release();
    await Promise.allSettled(pipeline.pool.workers().map((worker) => worker.close()));
  }
});

it('commands that arrive while the server closes are refused, and leave no producer or policy running', async () => {
  const test = await startTestServer([], { redis: redisSuite.server });
  const { pipeline, app } = test.server;
  const post = (path: string, body: object) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const answers: Response[] = [];
  const closeAll = pipeline.pool.closeAll.bind(pipeline.pool);
  // Sent while the workers are being closed, as a page or a script would just before the socket goes.
  pipeline.pool.closeAll = async () => {
    pipeline.pool.closeAll = closeAll;
    answers.push(await post('/api/producer/start', { rate: 100 }));
    answers.push(await post('/api/retention/set', { maxAgeMs: 60_000 }));
    answers.push(await post('/api/reset', {}));
    await closeAll();
  };
  await test.server.close();
  expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503]);
  expect(await answers[0]?.json()).toEqual({ code: 'unavailable', message: 'the server is shutting down' });
  expect(pipeline.producer.state().running).toBe(false);
  expect(pipeline.retention.maxAgeMs).toBeNull();
});

it('a reset cut off before it deleted anything puts every consumer back to work, not only the seeds', async () => {
  const test = await startTestServer([], { redis: redisSuite.server });
  try {
    const { pipeline } = test.server;
    const { stream } = pipeline;
    // A group of the user's, not a seed: its one consumer drops what it reads, so it holds pending entries
    // when the reset stops it.
    await pipeline.addConsumer('side', 'extra');
    pipeline.pool.get('side', 'extra').crashNext(1_000);
    await pipeline.produce(20);
    await expect.poll(() => pipeline.pool.get('side', 'extra').status().crashedDrops).toBe(20);
    const deleteStream = stream.deleteStream.bind(stream);
    stream.deleteStream = async () => {
      stream.deleteStream = deleteStream;
      throw new Error('Connection is closed.');
    };
    await expect(pipeline.reset()).rejects.toThrow(/Connection is closed/);
    // Nothing was deleted: the stream, its groups and 'extra' with its pending entries are all still there,
    // so every consumer that ran before runs again.
    await expect
      .poll(() =>
        pipeline.pool
          .workers()
          .map((worker) => `${worker.group}/${worker.name} ${worker.status().state}`)
          .sort(),
      )
      .toEqual([
        'analytics/worker-c running',
        'notifications/worker-a running',
        'notifications/worker-b running',
        'side/extra running',
      ]);
    // Back at work, 'extra' (its crash queue gone with the old worker) processes what it held.
    await expect.poll(async () => (await stream.pendingSummary('side')).count).toBe(0);
  } finally {
    await test.stop();
  }
});

it('a connection to Redis dropped in the middle of a produce never appends an event twice', async () => {
  const test = await startTestServer(['--maxlen', '1000000', '--seed', 'none'], { redis: redisSuite.server });
  try {
    const { pipeline } = test.server;
    const { stream } = pipeline;
    // As a network drop (or a Redis restart quicker than the first reconnect) would.
    const { outcome, appended } = await dropConnectionDuringAppend(
      stream.redis,
      redisSuite.redis,
      stream.streamKey,
      () => pipeline.produce(10_000),
    );
    // Either all of it, answered, or a failure that says Redis was lost; never more than was asked for. The
    // batches whose replies were lost used to be sent again on the new connection: 10,750 entries.
    if (typeof outcome === 'number')
      expect({ outcome, appended }).toEqual({ outcome: 10_000, appended: 10_000 });
    else expect(outcome).toMatchObject({ message: expect.stringMatching(/Connection is closed/) });
    expect(appended).toBeLessThanOrEqual(10_000);
  } finally {
    await test.stop();
  }
});
