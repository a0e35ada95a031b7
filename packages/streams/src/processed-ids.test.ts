import { ProcessedIds } from '@streamscope/streams';
import { RedisServer, uniqueStreamKey } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis.quit();
  await server.stop();
});

it('remembers processed IDs across instances, so a redelivery is recognised after a restart', async () => {
  const key = uniqueStreamKey('processed');
  const before = new ProcessedIds(redis, key);
  expect(await before.has('1-0')).toBe(false);
  await before.add('1-0');
  const afterRestart = new ProcessedIds(redis, key);
  expect(await afterRestart.has('1-0')).toBe(true);
  expect(await afterRestart.has('2-0')).toBe(false);
  await afterRestart.clear();
  expect(await afterRestart.has('1-0')).toBe(false);
});

it('marks a batch of IDs added in one turn of the event loop', async () => {
  const processed = new ProcessedIds(redis, uniqueStreamKey('processed-batch'));
  const ids = Array.from({ length: 100 }, (_, n) => `${n + 1}-0`);
  await Promise.all(ids.map((id) => processed.add(id)));
  expect(await Promise.all(ids.map((id) => processed.has(id)))).toEqual(ids.map(() => true));
  expect(Number(await redis.call('ZCARD', processed.key))).toBe(100);
  await processed.clear();
});
