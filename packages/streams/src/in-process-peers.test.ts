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
