import { connectedWorkers } from '@streamscope/streams';
import { dropConnectionDuringAppend, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { json, postJson, startTestServer } from './testing/test-server.js';

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
  const { pipeline } = test.server;
  const post = (path: string, body: object) => postJson(test, path, body);
  const answers: Response[] = [];
  const closeAll = pipeline.pool.closeAll.bind(pipeline.pool);
  // Sent while the workers are being closed, as a page or a script would just before the socket goes.
  pipeline.pool.closeAll = async () => {
    pipeline.pool.closeAll = closeAll;
    answers.push(await post('/api/producer/start', { rate: 100 }));
    answers.push(await post('/api/retention/set', { maxAgeMs: 60_000 }));
    answers.push(await post('/api/reset', {}));
    // The reference route appends without the JSON API's command path.
    const form = new URLSearchParams({ count: '5' });
    answers.push(await test.server.app.request('/produce', { method: 'POST', body: form }));
    await closeAll();
  };
  await test.server.close();
  expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503, 503]);
  expect(await answers[0]?.json()).toEqual({ code: 'unavailable', message: 'the server is shutting down' });
  expect(pipeline.producer.state().running).toBe(false);
  expect(pipeline.retention.maxAgeMs).toBeNull();
});

it('a server closed while a reset stops the workers waits for them to finish and ack their batches', async () => {
  const test = await startTestServer(['--process-latency-ms', '50'], { redis: redisSuite.server });
  const { pipeline } = test.server;
  const { streamKey } = pipeline.stream;
  // The reset stays between stopping the workers and deleting the stream, as one would for a moment.
  const deleting = hold(pipeline.stream, 'deleteStream');
  try {
    await pipeline.produce(40);
    const workers = pipeline.pool.workers();
    await waitFor('every worker in the middle of a batch', () =>
      workers.every((worker) => worker.recent().length > 0),
    );
    const resetting = pipeline.reset().catch(() => {});
    // The reset has taken the workers out of the pool and is waiting for them to finish their batches.
    await waitFor('the reset to stop the workers', () => pipeline.pool.workers().length === 0);
    await test.server.close();
    expect(workers.map((worker) => worker.status().state)).toEqual(workers.map(() => 'closed'));
    // Every entry read was handled and acked before the server said it had stopped.
    for (const group of ['notifications', 'analytics']) {
      expect(await redisSuite.redis.xpending(streamKey, group)).toEqual([0, null, null, null]);
    }
    deleting.release();
    await resetting;
  } finally {
    deleting.release();
    await redisSuite.redis.del(streamKey);
  }
});

it('while a reset waits for its workers to finish their batches, the state shows them closing, not run elsewhere', async () => {
  const test = await startTestServer(['--process-latency-ms', '400'], { redis: redisSuite.server });
  const { pipeline } = test.server;
  const deleting = hold(pipeline.stream, 'deleteStream');
  let resetting: Promise<unknown> = Promise.resolve();
  try {
    await pipeline.produce(40);
    const workers = pipeline.pool.workers();
    await waitFor('every worker in the middle of a batch', () =>
      workers.every((worker) => worker.status().inHand > 0),
    );
    resetting = pipeline.reset();
    await waitFor('the reset to stop the workers', () => pipeline.pool.workers().length === 0);
    const state = await json<{
      groups: {
        consumers: { name: string; worker: { state: string } | null; connected: boolean | null }[];
      }[];
    }>(test.server.app.request('/api/state'));
    const consumers = state.groups.flatMap((group) => group.consumers);
    expect(consumers.map(({ name, worker }) => [name, worker?.state]).sort()).toEqual([
      ['worker-a', 'closing'],
      ['worker-b', 'closing'],
      ['worker-c', 'closing'],
    ]);
    // A lever pulled meanwhile says so, rather than that another process runs it.
    const crash = await postJson(test, '/api/consumer/crash', {
      group: 'analytics',
      name: 'worker-c',
      count: 1,
    });
    expect(crash.status).toBe(409);
    expect(await json(crash)).toMatchObject({ message: expect.stringMatching(/worker-c is closing here/) });
  } finally {
    deleting.release();
    await resetting;
    await test.server.close();
  }
});

it('a reset cut off before it deleted anything puts every consumer back to work, not only the seeds', async () => {
  const test = await startTestServer([], { redis: redisSuite.server });
  try {
    const { pipeline } = test.server;
    const { stream } = pipeline;
    // A group of the user's, not a seed: its one consumer drops what it reads, so it holds pending entries
    // when the reset stops it.
    await pipeline.addConsumer('side', 'extra');
    pipeline.pool.get('side', 'extra').crashNext(20);
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
    // Back at work, 'extra' (its crash queue spent on the 20, and kept as it stood) processes what it held.
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

/** `count` dead letters of order events in the server's DLQ, written as another process would; the newest's ID. */
async function letters(deadLetterKey: string, count: number): Promise<string> {
  const writes = redisSuite.redis.pipeline();
  for (let n = 1; n <= count; n++) {
    writes.xadd(
      deadLetterKey,
      '*',
      'dlq_original_id',
      `${n}-0`,
      'dlq_reason',
      'x',
      'type',
      'order.paid',
      'ts_ms',
      '1',
    );
  }
  return String((await writes.exec())?.at(-1)?.[1]);
}

it('a requeue-all cut off by a dropped connection says how many went back, each recorded; the rest stay', async () => {
  const test = await startTestServer(['--seed', 'none'], { redis: redisSuite.server });
  try {
    const { pipeline } = test.server;
    const through = await letters(pipeline.deadLetters.key, 4_000);
    const { outcome, appended } = await dropConnectionDuringAppend(
      pipeline.stream.redis,
      redisSuite.redis,
      pipeline.stream.streamKey,
      async () => {
        const reply = await postJson(test, '/api/dlq/requeue-all', { through });
        const body = (await reply.json()) as { requeued: number; message: string };
        if (reply.ok) return Array.from({ length: body.requeued }, () => '');
        throw Object.assign(new Error(body.message), { status: reply.status });
      },
    );
    const recorded = pipeline.totals().produced;
    expect(appended + (await redisSuite.redis.xlen(pipeline.deadLetters.key))).toBe(4_000);
    if (typeof outcome === 'number') {
      expect({ outcome, appended, recorded }).toEqual({ outcome: 4_000, appended: 4_000, recorded: 4_000 });
      return;
    }
    // Not "Redis is unavailable" alone: the user would think nothing went back.
    expect(outcome).toMatchObject({ status: 503 });
    const message = outcome instanceof Error ? outcome.message : '';
    const said = /went away part-way: (\d+) dead letter\(s\) went back(?: \(and up to (\d+) more)?/.exec(
      message,
    );
    expect(said, message).not.toBeNull();
    expect(Number(said?.[1])).toBe(recorded);
    expect(appended - recorded).toBeGreaterThanOrEqual(0);
    expect(appended - recorded).toBeLessThanOrEqual(Number(said?.[2] ?? 0));
  } finally {
    await test.stop();
  }
});

it('requeue-alls run one at a time: a burst of them leaves appends their slots, and each letter goes back once', async () => {
  const test = await startTestServer(['--seed', 'none'], { redis: redisSuite.server });
  try {
    const { pipeline } = test.server;
    const through = await letters(pipeline.deadLetters.key, 3_000);
    const finished: string[] = [];
    const requeueAlls = Array.from({ length: 8 }, (_, at) =>
      pipeline.requeueThrough(through).finally(() => finished.push(`requeue-all ${at}`)),
    );
    // With eight at once holding all eight append slots, this waited for the first of them to finish.
    await pipeline.produce(1).finally(() => finished.push('produce'));
    const results = await Promise.all(requeueAlls);
    expect(finished[0]).toBe('produce');
    expect(results.map((result) => result.requeued)).toEqual([3_000, 0, 0, 0, 0, 0, 0, 0]);
    expect(pipeline.totals().produced).toBe(3_001);
  } finally {
    await test.stop();
  }
});

it('a reset waits for a requeue-all under way, and leaves nothing in the new stream it did not count', async () => {
  const test = await startTestServer(['--seed', 'none'], { redis: redisSuite.server });
  try {
    const { pipeline } = test.server;
    const streamKey = pipeline.stream.streamKey;
    const through = await letters(pipeline.deadLetters.key, 3_000);
    const requeueing = pipeline.requeueThrough(through);
    await waitFor('the first copies', async () => (await redisSuite.redis.xlen(streamKey)) > 0, {
      intervalMs: 1,
    });
    const resetting = pipeline.reset();
    // Finished whole before the reset deleted the stream; and a second one, queued behind the reset, finds
    // the letters gone with it (a requeue-all never appends into the new stream what it did not count).
    expect(await requeueing).toMatchObject({ requeued: 3_000, skipped: 0 });
    const after = pipeline.requeueThrough(through);
    await resetting;
    expect(await after).toMatchObject({ requeued: 0 });
    expect(await redisSuite.redis.xlen(streamKey)).toBe(0);
    expect(pipeline.totals().produced).toBe(0);
  } finally {
    await test.stop();
  }
});

it('a requeue-all waiting for a paused group to make room ends at once when the server closes, saying how many went back', async () => {
  const test = await startTestServer(['--maxlen', '50'], {
    redis: redisSuite.server,
    requeueRoomWaitMs: 60_000,
  });
  const { pipeline } = test.server;
  await postJson(test, '/api/consumer/pause', { group: 'analytics', name: 'worker-c' });
  const through = await letters(pipeline.deadLetters.key, 100);
  const requeueing = pipeline.requeueThrough(through).then(
    () => null,
    (error: unknown) => error,
  );
  // The stream full of what analytics has not read: 50 letters back, the requeue-all waiting for room.
  await waitFor(
    'the stream full',
    async () => (await redisSuite.redis.xlen(pipeline.stream.streamKey)) >= 50,
  );
  const started = performance.now();
  await test.stop();
  expect(await requeueing).toMatchObject({
    code: 'unavailable',
    message: 'the server is shutting down: 50 dead letter(s) went back before it did, the rest stay',
  });
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(await redisSuite.redis.xlen(pipeline.deadLetters.key)).toBe(50);
});

it('a group this server is creating never makes its own stream look like another application’s', async () => {
  const test = await startTestServer([], { redis: redisSuite.server });
  const { pipeline } = test.server;
  const post = (path: string, body: object) => postJson(test, path, body);
  // Held just after XGROUP CREATE, before the group is noted as Streamscope's.
  const ensureGroup = pipeline.stream.ensureGroup.bind(pipeline.stream);
  let reached = () => {};
  const created = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  pipeline.stream.ensureGroup = async (...args) => {
    const result = await ensureGroup(...args);
    reached();
    await released;
    return result;
  };
  try {
    const creating = post('/api/group/create', { group: 'audit' });
    await created;
    const produced = await post('/api/produce', { count: 1 });
    expect(produced.status, await produced.clone().text()).toBe(200);
    const owned = await pipeline.ownedGroups();
    expect(owned?.has('audit')).toBe(true);
    release();
    expect((await creating).status).toBe(200);
    expect((await pipeline.ownedGroups())?.has('audit')).toBe(true);
  } finally {
    release();
    await test.stop();
  }
});

it('a removal answered as the server closes reaches its client: the HTTP socket is not cut under it', async () => {
  const test = await startTestServer([], { redis: redisSuite.server });
  const { pipeline } = test.server;
  // The removal stays in its consumer deletion, after the handover, until the close has begun.
  const deleting = hold(pipeline.stream, 'deleteConsumer');
  const answer = fetch(`${test.server.url}/api/consumer/remove`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ group: 'notifications', name: 'worker-a' }),
  });
  try {
    await waitFor('the removal to reach its deletion', () => deleting.calls() > 0);
    const closing = test.server.close();
    setTimeout(deleting.release, 50);
    const response = await answer;
    expect(await response.json()).toMatchObject({ group: 'notifications', name: 'worker-a' });
    await closing;
  } finally {
    deleting.release();
  }
});
