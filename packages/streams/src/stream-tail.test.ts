import {
  compareEntryIds,
  EventStream,
  type StreamEntry,
  StreamError,
  StreamTail,
  WorkerClosedError,
} from '@streamscope/streams';
import {
  captureWarnings,
  commandCalls,
  RedisServer,
  uniqueStreamKey,
  untilClientBlocked,
  usePrivateRedis,
  waitFor,
} from '@streamscope/testkit';
import { expect, it } from 'vitest';

const redisSuite = usePrivateRedis();

it('tails new entries read-only, without creating any group state, and closes promptly', async () => {
  const stream = new EventStream({ connection: redisSuite.server.url, streamKey: uniqueStreamKey('tail') });
  await stream.produce('before.tail');
  const tail = new StreamTail(stream, { blockMs: 5_000 });
  const seen: StreamEntry[] = [];
  tail.on('entries', (entries) => seen.push(...entries));
  await tail.start();
  const ids = await stream.produceBatch(Array.from({ length: 25 }, () => ({ type: 'order.paid' })));
  await waitFor('all 25 tailed', () => seen.length === 25);
  expect(seen.map((entry) => entry.id)).toEqual(ids);
  expect(await stream.infoGroups()).toEqual([]);
  // Timed from a block in progress: a close that waited it out would take the rest of its 5 s.
  await untilClientBlocked(redisSuite.redis, 'streamscope:tail');
  const started = Date.now();
  await tail.close();
  expect(Date.now() - started).toBeLessThan(2_500);
  // Closed is final, as for a worker: a start would open a connection no one closes.
  await expect(tail.start()).rejects.toBeInstanceOf(WorkerClosedError);
  await stream.deleteStream();
  await stream.close();
});

it('a listener that throws is reported and the tail goes on; an error listener that throws is a warning', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('tail-throws'),
  });
  const tail = new StreamTail(stream, { blockMs: 200 });
  const seen: string[] = [];
  const errors: string[] = [];
  const warnings = captureWarnings('STREAMSCOPE_LISTENER_THREW');
  tail.on('entries', () => {
    throw new Error('listener bug');
  });
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  tail.on('error', (error) => {
    errors.push(error.message);
    throw new Error('error listener bug');
  });
  try {
    await tail.start();
    const first = await stream.produce('a');
    await waitFor('the first seen and its listener failure reported', () => errors.length === 1);
    const second = await stream.produce('b');
    await waitFor('the tail still going', () => seen.length === 2);
    expect(seen).toEqual([first, second]);
    expect(errors[0]).toBe('listener bug');
    await waitFor('the error listener’s failure as a warning', () =>
      warnings.some((message) => /StreamTail 'error' listener threw: error listener bug/.test(message)),
    );
  } finally {
    await tail.close();
    await stream.deleteStream();
    await stream.close();
  }
});

it('tails an entry appended right after start(), and after start() resolves from any connection', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('tail-start'),
  });
  const other = new EventStream({ connection: redisSuite.server.url, streamKey: stream.streamKey });
  await stream.produce('before.tail');
  const tail = new StreamTail(stream, { blockMs: 5_000 });
  const seen: string[] = [];
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  try {
    // Not awaited: an append through the same stream is answered after the tail fixed where it starts.
    const started = tail.start();
    const first = await stream.produce('right.after.start');
    await started;
    // Once start() has resolved, an append from another connection is after the starting point too.
    const second = await other.produce('after.started');
    await waitFor('both tailed', () => seen.length >= 2);
    expect(seen).toEqual([first, second]);
  } finally {
    await tail.close();
    await stream.deleteStream();
    await Promise.all([stream.close(), other.close()]);
  }
});

it('reports a failed read as a StreamError naming XREAD, and carries on once the key is a stream again', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('tail-wrongtype'),
  });
  const tail = new StreamTail(stream, { blockMs: 100 });
  const errors: Error[] = [];
  const seen: string[] = [];
  tail.on('error', (error) => errors.push(error));
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  try {
    await tail.start();
    await stream.redis.set(stream.streamKey, 'not a stream');
    // A read that timed out first has the tail ask XINFO STREAM, which fails the same way.
    const readFailure = () => errors.find((error) => error.message.startsWith('XREAD'));
    await waitFor('the failed read reported', () => readFailure() !== undefined);
    for (const error of errors) expect(error).toBeInstanceOf(StreamError);
    expect(readFailure()?.message).toMatch(/^XREAD failed: WRONGTYPE/);
    expect(readFailure()?.cause).toBeInstanceOf(Error);
    await stream.redis.del(stream.streamKey);
    const id = await stream.produce('order.placed');
    await waitFor('the tail going again', () => seen.includes(id));
  } finally {
    await tail.close();
    await stream.deleteStream();
    await stream.close();
  }
});

it('with no error listener, its first failure is one process warning instead of silence', async () => {
  const warnings = captureWarnings('STREAMSCOPE_UNHEARD_ERROR');
  const stream = new EventStream({
    connection: redisSuite.redis,
    streamKey: uniqueStreamKey('tail-unheard'),
  });
  await stream.redis.set(stream.streamKey, 'not a stream');
  const tail = new StreamTail(stream, { blockMs: 100 });
  try {
    void tail.start();
    await waitFor('the warning', () => warnings.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // two more attempts, 500 ms apart
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^StreamTail of ${stream.streamKey}: XINFO STREAM failed: WRONGTYPE`)),
    ]);
  } finally {
    await tail.close();
    await stream.deleteStream();
  }
});

it('across a Redis crash and restart, resumes after the last entry it saw: none skipped, none repeated', async () => {
  // A server of its own: this one is killed.
  const crashing = await RedisServer.start({ appendOnly: true });
  const stream = new EventStream({ connection: crashing.url, streamKey: uniqueStreamKey('tail-crash') });
  const tail = new StreamTail(stream, { blockMs: 5_000 });
  const seen: string[] = [];
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  tail.on('error', () => {});
  try {
    await stream.produce('before.start');
    await tail.start();
    const before = await stream.produceBatch([{ type: 'a' }, { type: 'b' }]);
    await waitFor('the entries before the crash', () => seen.length === 2);
    await crashing.kill(); // the tail is blocked in XREAD
    await new Promise((resolve) => setTimeout(resolve, 500));
    await crashing.restart();
    const after = await stream.produceBatch([{ type: 'c' }, { type: 'd' }]);
    await waitFor('the entries after the restart', () => seen.length >= 4, { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a repeat would show up by now
    expect(seen).toEqual([...before, ...after]);
  } finally {
    await tail.close();
    await stream.close();
    await crashing.stop();
  }
}, 40_000);

it('a stream deleted and made again with lower IDs is tailed from its start, not from the old stream’s last ID', async () => {
  const stream = new EventStream({
    connection: redisSuite.redis,
    streamKey: uniqueStreamKey('tail-recreated'),
  });
  const tail = new StreamTail(stream, { blockMs: 100 });
  const seen: string[] = [];
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  try {
    await stream.produce('order.placed');
    await tail.start();
    const before = await stream.produce('order.paid');
    await waitFor('the entry before the delete', () => seen.length === 1);
    // Recreated with IDs it was given (a restore, an import, a clock set back): all below the old ones.
    await stream.deleteStream();
    for (const id of ['1-1', '2-1']) {
      await stream.redis.call('XADD', stream.streamKey, id, 'type', 'order.shipped', 'ts_ms', '0');
    }
    await waitFor('the recreated stream tailed', () => seen.length === 3);
    const after = await stream.produce('order.cancelled');
    await waitFor('what follows tailed too', () => seen.length === 4);
    expect(seen).toEqual([before, '1-1', '2-1', after]);
  } finally {
    await tail.close();
    await stream.deleteStream();
  }
});

it('paused, it sends no XREAD and tails nothing; resumed, it tails from the newest entry on', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('tail-pause'),
  });
  const tail = new StreamTail(stream, { blockMs: 100 });
  const seen: string[] = [];
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  try {
    await tail.start();
    const watched = await stream.produce('watched');
    await waitFor('the first tailed', () => seen.length === 1);
    tail.pause();
    // The read under way when it paused comes back within its BLOCK; after that, nothing is sent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const callsPaused = await commandCalls(redisSuite.redis, 'xread');
    await stream.produceBatch([{ type: 'unwatched' }, { type: 'unwatched' }]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await commandCalls(redisSuite.redis, 'xread')).toBe(callsPaused);
    expect(seen).toEqual([watched]);

    await tail.resume();
    const after = await stream.produce('watched.again');
    await waitFor('the one after resuming tailed', () => seen.length === 2);
    expect(seen).toEqual([watched, after]);
  } finally {
    await tail.close();
    await stream.deleteStream();
    await stream.close();
  }
});

it('paused before it starts, it starts reading once resumed; paused and resumed at once, it keeps its read going', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('tail-early-pause'),
  });
  const tail = new StreamTail(stream, { blockMs: 5_000 });
  const seen: string[] = [];
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  try {
    tail.pause();
    const started = tail.start();
    await stream.produce('before.resume');
    const resumed = tail.resume();
    await Promise.all([started, resumed]);
    const first = await stream.produce('after.resume');
    await waitFor('the one after resuming tailed', () => seen.length === 1);
    // Paused and resumed while its 5 s read is blocked: it never stopped reading, and that read goes on.
    await untilClientBlocked(redisSuite.redis, 'streamscope:tail');
    tail.pause();
    await tail.resume();
    const next = await stream.produce('after.pause.and.resume');
    await waitFor('the next one tailed by the same read', () => seen.length === 2);
    expect(seen).toEqual([first, next]);
  } finally {
    await tail.close();
    await stream.deleteStream();
    await stream.close();
  }
});

it('paced, it skips ahead to the newest entries and counts exactly the ones it passed over', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('tail-paced'),
  });
  const tail = new StreamTail(stream, { blockMs: 1_000, count: 10, paceMs: 100 });
  const seen: string[] = [];
  const skips: (number | null)[] = [];
  tail.on('entries', (entries) => seen.push(...entries.map((entry) => entry.id)));
  tail.on('skipped', (count) => skips.push(count));
  try {
    await tail.start();
    const ids = await stream.produceBatch(Array.from({ length: 1_000 }, () => ({ type: 'order.paid' })));
    const skipped = () => skips.reduce<number>((sum, count) => sum + (count ?? Number.NaN), 0);
    await waitFor('every entry tailed or counted', () => seen.length + skipped() === 1_000);
    // The first read after the quiet start, then the newest: far fewer than were appended, the newest last.
    expect(seen.length).toBeLessThanOrEqual(40);
    expect(seen.at(-1)).toBe(ids.at(-1));
    expect(seen.every((id) => ids.includes(id))).toBe(true);
    expect([...seen].sort(compareEntryIds)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);

    // Quiet again, the next entry comes at once, by the blocking read, with nothing skipped.
    const skipsBefore = skips.length;
    const next = await stream.produce('order.shipped');
    await waitFor('the next one tailed', () => seen.at(-1) === next);
    expect(skips.length).toBe(skipsBefore);
  } finally {
    await tail.close();
    await stream.deleteStream();
    await stream.close();
  }
});

/** A paced tail on a stream of its own, counting every entry it emits or passes over. */
function countingPacedTail(label: string) {
  const stream = new EventStream({ connection: redisSuite.server.url, streamKey: uniqueStreamKey(label) });
  const tail = new StreamTail(stream, { blockMs: 1_000, count: 10, paceMs: 100 });
  const counted = { total: 0 };
  tail.on('entries', (entries) => {
    counted.total += entries.length;
  });
  tail.on('skipped', (count) => {
    counted.total += count ?? Number.NaN;
  });
  const close = async () => {
    await tail.close();
    await stream.deleteStream();
    await stream.close();
  };
  return { stream, tail, counted, close };
}

const orders = (n: number) => Array.from({ length: n }, () => ({ type: 'order.paid' }));

it('paced, told its stream was deleted and made again, counts what it passes over in the new one from 0', async () => {
  const { stream, tail, counted, close } = countingPacedTail('tail-remade');
  try {
    await tail.start();
    await stream.produceBatch(orders(500));
    await waitFor('the first stream accounted for', () => counted.total === 500);
    await stream.deleteStream();
    tail.streamRemade();
    counted.total = 0;
    // As many as before: the new stream's counter never passes the old one's, which the tail saw go back.
    await stream.produceBatch(orders(500));
    await waitFor('the new stream accounted for', () => counted.total === 500);
  } finally {
    await close();
  }
});

it('paced, a read of the old stream answered after streamRemade() is not counted against the new one', async () => {
  const { stream, tail, counted, close } = countingPacedTail('tail-remade-late');
  // The next paced read runs in Redis at once, on the old stream, and its answer is held back until released.
  const newestAfter = stream.newestAfter.bind(stream);
  let hold = false;
  let held: (() => void) | null = null;
  stream.newestAfter = async (...args: Parameters<typeof newestAfter>) => {
    const answer = await newestAfter(...args);
    if (hold) {
      hold = false;
      await new Promise<void>((resolve) => {
        held = resolve;
      });
    }
    return answer;
  };
  try {
    await tail.start();
    hold = true;
    await stream.produceBatch(orders(500));
    await waitFor('a paced read of the old stream held', () => held !== null);
    await stream.deleteStream();
    tail.streamRemade();
    counted.total = 0;
    (held as unknown as () => void)();
    await stream.produceBatch(orders(300));
    await waitFor('the new stream accounted for', () => counted.total === 300);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(counted.total).toBe(300);
  } finally {
    await close();
  }
});

it('refuses a negative or fractional paceMs before it touches Redis', () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('tail-bad-pace'),
  });
  expect(() => new StreamTail(stream, { paceMs: -1 })).toThrow(/paceMs/);
  expect(() => new StreamTail(stream, { paceMs: 2.5 })).toThrow(/paceMs/);
  return stream.close();
});
