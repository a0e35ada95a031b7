import { ConsumerWorker, EventStream, redisUrlDatabase, StreamTail } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';

const redisSuite = usePrivateRedis();

// A private redis-server has the default 16 databases: 0 to 15.
const MISSING = /^Redis has no database 99 \(ERR DB index is out of range\): name one it has/;

it('refuses every command of a stream whose URL names a database Redis does not have, and writes nothing to database 0', async () => {
  const streamKey = uniqueStreamKey('missing-db');
  const stream = new EventStream({ connection: `${redisSuite.server.url}/99`, streamKey });
  redisSuite.afterThisTest(() => stream.close());
  await expect(stream.produce('order.placed')).rejects.toThrow(MISSING);
  // Sent after the refusal: refused for the same reason, not queued for a reconnect that never comes.
  await expect(stream.produce('order.paid')).rejects.toThrow(MISSING);
  expect(await redisSuite.redis.exists(streamKey)).toBe(0);
});

it('takes a database named as ?db=, as ioredis does, and refuses one Redis does not have there too', async () => {
  const streamKey = uniqueStreamKey('query-db');
  const url = `${redisSuite.server.url}/?db=3`;
  expect(redisUrlDatabase(url)).toBe(3);
  const stream = new EventStream({ connection: url, streamKey });
  redisSuite.afterThisTest(() => stream.close());
  await stream.produce('order.placed');
  const third = new Redis(redisSuite.server.port, { db: 3 });
  redisSuite.afterThisTest(() => third.quit().then(() => undefined));
  expect(await third.xlen(streamKey)).toBe(1);
  expect(await redisSuite.redis.exists(streamKey)).toBe(0);
  const missing = new EventStream({ connection: `${redisSuite.server.url}/?db=99`, streamKey });
  redisSuite.afterThisTest(() => missing.close());
  await expect(missing.produce('order.placed')).rejects.toThrow(MISSING);
});

it('refuses the reads of a worker and a tail opened on such a database, each saying why, and closes them promptly', async () => {
  const streamKey = uniqueStreamKey('missing-db');
  // The application's own connection: its SELECT fails too, and ioredis goes on in database 0 with it. The
  // library cannot tell; the connections it opens for reading refuse, so nothing reads database 0's stream.
  const appConnection = new Redis(`${redisSuite.server.url}/99`);
  appConnection.on('error', () => {});
  redisSuite.afterThisTest(() => appConnection.disconnect());
  const stream = new EventStream({ connection: appConnection, streamKey });
  await redisSuite.redis.xgroup('CREATE', streamKey, 'g', '0', 'MKSTREAM');
  await redisSuite.redis.xadd(streamKey, '*', 'type', 'order.placed');

  const worker = new ConsumerWorker(stream, 'g', 'worker-a', { blockMs: 50, maxBackoffMs: 100 });
  const workerErrors: string[] = [];
  worker.on('error', ({ error }) => workerErrors.push(error.message));
  await worker.start();
  await waitFor('the worker to report the missing database', () =>
    workerErrors.some((message) => message.includes('Redis has no database 99')),
  );
  const started = Date.now();
  await worker.close();
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(worker.status().processed).toBe(0);
  expect(await redisSuite.redis.xpending(streamKey, 'g')).toEqual([0, null, null, null]);

  const tail = new StreamTail(stream, { blockMs: 50 });
  const tailErrors: string[] = [];
  tail.on('error', (error) => tailErrors.push(error.message));
  await tail.start();
  await waitFor('the tail to report the missing database', () =>
    tailErrors.some((message) => message.includes('Redis has no database 99')),
  );
  await tail.close();
});
