import { ConsumerWorker, DeadLetters, EventStream } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';

const redisSuite = usePrivateRedis();

it('workers of a stream and group with the same names in another Redis database are not peers: an entry trimmed there is dead-lettered', async () => {
  const streamKey = uniqueStreamKey('peers-db');
  const otherDb = new Redis(redisSuite.server.url, { db: 1 });
  redisSuite.afterThisTest(() => otherDb.disconnect());
  const here = new EventStream({ connection: redisSuite.redis, streamKey });
  const there = new EventStream({ connection: otherDb, streamKey, claimMinIdleMs: 0 });
  redisSuite.afterThisTest(() => Promise.all([here.deleteStream(), there.deleteStream()]));
  // Explicit IDs, the same in both: as two databases of one server give appends made in the same millisecond.
  for (const stream of [here, there]) {
    await stream.ensureGroup('g', '0-0');
    await stream.redis.call('XADD', streamKey, '5-1', 'type', 'order.paid', 'ts_ms', '5');
  }
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const busy = new ConsumerWorker(here, 'g', 'busy', { blockMs: 50, handler: () => gate });
  redisSuite.afterThisTest(() => busy.close());
  redisSuite.afterThisTest(() => release());
  await busy.start();
  await waitFor('5-1 in hand in database 0', async () => (await here.pendingSummary('g')).count === 1);

  // In database 1, 5-1 was read by a consumer that crashed, then trimmed away.
  await otherDb.call('XREADGROUP', 'GROUP', 'g', 'crashed', 'COUNT', 1, 'STREAMS', streamKey, '>');
  await there.trimMaxlen(0, { approx: false });
  const deadLetters = new DeadLetters(there);
  redisSuite.afterThisTest(() => deadLetters.clear());
  const reaper = new ConsumerWorker(there, 'g', 'reaper', { blockMs: 50, deadLetters });
  redisSuite.afterThisTest(() => reaper.close());
  await reaper.start();
  const reaped = await reaper.reapIdlePel();
  expect(reaped.deletedIds).toEqual(['5-1']);
  expect((await deadLetters.newest()).map((letter) => letter.originalId)).toEqual(['5-1']);
  expect((await there.pendingSummary('g')).count).toBe(0);
});

it('a reaper leaves entries a peer here has in hand to that peer: claimed from its waiting batch, each is handled once', async () => {
  const stream = new EventStream({
    connection: redisSuite.redis,
    streamKey: uniqueStreamKey('peers-batch'),
    claimMinIdleMs: 20,
  });
  redisSuite.afterThisTest(() => stream.deleteStream());
  await stream.ensureGroup('g', '$');
  const runs = new Map<string, string[]>();
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  redisSuite.afterThisTest(() => release());
  const handler = (name: string) => async (entry: { id: string }) => {
    runs.set(entry.id, [...(runs.get(entry.id) ?? []), name]);
    // The slow worker's first entry holds the rest of its batch waiting, past the claim threshold.
    if (name === 'slow') await gate;
  };
  const slow = new ConsumerWorker(stream, 'g', 'slow', { blockMs: 50, count: 10, handler: handler('slow') });
  const reaper = new ConsumerWorker(stream, 'g', 'reaper', { blockMs: 50, handler: handler('reaper') });
  redisSuite.afterThisTest(() => Promise.all([slow.close(), reaper.close()]));
  await reaper.start();
  await reaper.pause();
  await slow.start();
  const ids = await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 'order.paid' })));
  await waitFor('the slow worker to hold its batch', () => runs.size === 1);
  await waitFor('its batch idle past the claim threshold', async () =>
    (await stream.pendingDetail('g', { count: 10 })).every((row) => row.idleMs > 20),
  );

  const reaped = await reaper.reapIdlePel();
  // Redis moved them (the claim bumps their delivery counts), but the worker reading them does the work.
  expect(reaped.claimed).toBe(10);
  expect(reaped.processed).toBe(0);
  release();
  await waitFor('the batch acked', async () => (await stream.pendingSummary('g')).count === 0);
  expect(ids.map((id) => runs.get(id))).toEqual(ids.map(() => ['slow']));
});
