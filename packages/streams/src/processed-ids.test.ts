import { ProcessedIds, StreamError } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { expect, it, onTestFinished, vi } from 'vitest';

const redisSuite = usePrivateRedis();

it('remembers processed IDs across instances, so a redelivery is recognised after a restart', async () => {
  const key = uniqueStreamKey('processed');
  const before = new ProcessedIds(redisSuite.redis, key);
  expect(await before.has('1-0')).toBe(false);
  await before.add('1-0');
  const afterRestart = new ProcessedIds(redisSuite.redis, key);
  expect(await afterRestart.has('1-0')).toBe(true);
  expect(await afterRestart.has('2-0')).toBe(false);
  await afterRestart.clear();
  expect(await afterRestart.has('1-0')).toBe(false);
});

it('marks a batch of IDs added in one turn of the event loop', async () => {
  const processed = new ProcessedIds(redisSuite.redis, uniqueStreamKey('processed-batch'));
  const ids = Array.from({ length: 100 }, (_, n) => `${n + 1}-0`);
  await Promise.all(ids.map((id) => processed.add(id)));
  expect(await Promise.all(ids.map((id) => processed.has(id)))).toEqual(ids.map(() => true));
  expect(Number(await redisSuite.redis.call('ZCARD', processed.key))).toBe(100);
  await processed.clear();
});

it('remembers at most about maxIds IDs, the newest', async () => {
  const processed = new ProcessedIds(redisSuite.redis, uniqueStreamKey('processed-cap'), { maxIds: 500 });
  for (let batch = 0; batch < 50; batch++) {
    await processed.addMany(Array.from({ length: 100 }, (_, n) => `${batch + 1}-${n}`));
    // Later IDs land in later milliseconds, so "newest" is well defined for the check below.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  // Pruned every maxIds adds: never more than twice the bound in between.
  expect(Number(await redisSuite.redis.call('ZCARD', processed.key))).toBeLessThanOrEqual(1_000);
  expect(await processed.has('50-99')).toBe(true);
  expect(await processed.has('1-0')).toBe(false);
  await processed.clear();
});

it('forgets old IDs even when no instance lives to a thousand adds, as with a process restarted often', async () => {
  const key = uniqueStreamKey('processed-restarts');
  for (let restart = 1; restart <= 3; restart++) {
    const processed = new ProcessedIds(redisSuite.redis, key, { retentionMs: 50 });
    await processed.addMany(Array.from({ length: 10 }, (_, n) => `${restart}-${n}`));
    await new Promise((resolve) => setTimeout(resolve, 150)); // the marks so far are past retentionMs
  }
  expect(await redisSuite.redis.call('ZRANGE', key, 0, -1)).toEqual(
    Array.from({ length: 10 }, (_, n) => `3-${n}`),
  );
  const capped = new ProcessedIds(redisSuite.redis, key, { maxIds: 4 });
  await capped.add('4-0');
  expect(Number(await redisSuite.redis.call('ZCARD', key))).toBe(4);
  await capped.clear();
});

it('forgets an ID once retentionMs has passed, even before the next add prunes it', async () => {
  // The clock (Date only; timers stay real) stands still unless moved: on a busy machine the real 100 ms
  // could pass between a mark and the check that it is still remembered.
  vi.useFakeTimers({ toFake: ['Date'] });
  onTestFinished(() => {
    vi.useRealTimers();
  });
  const processed = new ProcessedIds(redisSuite.redis, uniqueStreamKey('processed-age'), {
    retentionMs: 100,
  });
  await processed.addMany(['1-0', '2-0']); // the first add of an instance prunes; the next is 1,000 adds away
  expect(await processed.has('1-0')).toBe(true);
  vi.setSystemTime(Date.now() + 150);
  expect(await processed.has('1-0')).toBe(false);
  // Marked again, it counts from now.
  await processed.add('1-0');
  expect(await processed.has('1-0')).toBe(true);
  expect(await processed.has('2-0')).toBe(false);
  await processed.clear();
});

it('knows an ID marked by add() before that mark has left for Redis', async () => {
  const processed = new ProcessedIds(redisSuite.redis, uniqueStreamKey('processed-queued'));
  // Not awaited, as a handler marking after its work does: the mark waits for the rest of the batch's.
  const marked = processed.add('1-0');
  // A redelivery checked at once must not be taken for new work.
  expect(await processed.has('1-0')).toBe(true);
  expect(await processed.has('2-0')).toBe(false);
  await marked;
  expect(await processed.has('1-0')).toBe(true);
  await processed.clear();
});

it('a Redis failure is a StreamError naming the command, as everywhere else in the library', async () => {
  const processed = new ProcessedIds(redisSuite.redis, uniqueStreamKey('processed-wrongtype'));
  await redisSuite.redis.set(processed.key, 'not a sorted set');
  onTestFinished(async () => {
    await redisSuite.redis.del(processed.key);
  });
  await expect(processed.has('1-0')).rejects.toThrow(StreamError);
  await expect(processed.has('1-0')).rejects.toThrow(/^ZSCORE \(processed IDs\) failed: WRONGTYPE/);
  await expect(processed.add('1-0')).rejects.toThrow(/^ZADD \(processed IDs\) failed: WRONGTYPE/);
});

it('an add left unawaited whose ZADD fails is no unhandled rejection: the mark is missed, the process goes on', async () => {
  const processed = new ProcessedIds(redisSuite.redis, uniqueStreamKey('processed-unawaited'));
  await redisSuite.redis.set(processed.key, 'not a sorted set');
  onTestFinished(async () => {
    await redisSuite.redis.del(processed.key);
  });
  const unhandled = vi.fn();
  process.on('unhandledRejection', unhandled);
  onTestFinished(() => {
    process.off('unhandledRejection', unhandled);
  });
  // As a batch's handlers may leave it, to share one ZADD.
  void processed.add('1-0');
  void processed.add('2-0');
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(unhandled).not.toHaveBeenCalled();
});
