import {
  ConsumerWorker,
  DeadLetters,
  type EventFields,
  EventStream,
  entryIdTime,
  GroupNotFoundError,
  LETTER_META_CHARS,
  NoRoomError,
  NothingToRequeueError,
  RequeueRefusedError,
  RequeueStoppedError,
  StreamArgumentError,
  type StreamEntry,
  StreamError,
  workerConnectionName,
} from '@streamscope/streams';
import {
  dropConnectionDuringAppend,
  uniqueStreamKey,
  untilClientBlocked,
  usePrivateRedis,
  waitFor,
} from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { REQUEUE_LUA } from './dead-letter-scripts.js';

const redisSuite = usePrivateRedis();

function setUp(claimMinIdleMs = 0) {
  const stream = new EventStream({
    connection: redisSuite.redis,
    streamKey: uniqueStreamKey('dlq'),
    claimMinIdleMs,
  });
  const deadLetters = new DeadLetters(stream, `${stream.streamKey}:dlq`);
  redisSuite.afterThisTest(() => stream.deleteStream());
  redisSuite.afterThisTest(() => deadLetters.clear());
  return { stream, deadLetters };
}

/** Dead-letters every entry as consumer w of group g would after five deliveries. */
async function letterAll(
  deadLetters: DeadLetters,
  entries: readonly StreamEntry[],
  reason = 'x',
): Promise<void> {
  for (const entry of entries) {
    await deadLetters.send(entry.id, {
      group: 'g',
      consumer: 'w',
      deliveryCount: 5,
      reason,
      fields: entry.fields,
    });
  }
}

/** A letter of a poison pill, as `group` writes one (no longer pending); `fields` null: trimmed, no payload. */
function letterOfPill(
  deadLetters: DeadLetters,
  id: string,
  group: string,
  fields: Record<string, string> | null,
): Promise<string | null> {
  return deadLetters.send(id, {
    group,
    consumer: 'w',
    deliveryCount: 5,
    reason: 'x',
    fields: fields && { type: 'poison.pill', ts_ms: '1', ...fields },
    stillPending: false,
  });
}

function startWorker(...args: ConstructorParameters<typeof ConsumerWorker>): ConsumerWorker {
  const worker = new ConsumerWorker(...args);
  redisSuite.afterThisTest(() => worker.close());
  return worker;
}

/**
 * Three entries in the hands of a worker here, whose handler waits for `release` (then fails, with `fails`),
 * then trimmed from the stream; and a reaper of the same group, started, to find them trimmed.
 */
async function trimmedInBusyHands(claimMinIdleMs: number, { fails = false } = {}) {
  const { stream, deadLetters } = setUp(claimMinIdleMs);
  await stream.ensureGroup('g', '0-0');
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handler = async () => {
    await gate;
    if (fails) throw new Error('the downstream store refused it');
  };
  const busy = startWorker(stream, 'g', 'busy', { blockMs: 50, deadLetters, handler });
  // Finished by the busy worker: its XACK then finds them gone from the PEL (the claim dropped them), so it
  // tells them handled but no longer pending, not acked.
  const acked: string[] = [];
  busy.on('acked', (event) => acked.push(event.id));
  busy.on('deleted', (event) => {
    if (event.reason?.startsWith('handled, but no longer pending')) acked.push(event.id);
  });
  await busy.start();
  const ids = await stream.produceBatch(Array.from({ length: 3 }, () => ({ type: 'order.paid' })));
  await waitFor('three in hand', async () => (await stream.pendingSummary('g')).count === 3);
  await stream.trimMaxlen(0, { approx: false });
  const reaper = startWorker(stream, 'g', 'reaper', { blockMs: 50, deadLetters });
  await reaper.start();
  return { stream, deadLetters, ids, acked, release, reaper };
}

describe('dead-letter stream', () => {
  it('a poison pill reaches the DLQ after maxDeliveries while the rest flows', async () => {
    // A claim threshold above any handler's time, as in production: a claim at 0 ms could take back an entry
    // still being handled, bumping its delivery count without a failure.
    const { stream, deadLetters } = setUp(200);
    await stream.ensureGroup('g', '0-0');
    const worker = startWorker(stream, 'g', 'w', {
      blockMs: 50,
      deadLetters,
      maxDeliveries: 3,
      reapIntervalMs: 30,
      handler: (entry) => {
        if (entry.fields.type === 'poison.pill') throw new Error('cannot digest this');
      },
    });
    const deadLettered: string[] = [];
    worker.on('dead-lettered', (event) => deadLettered.push(event.id));
    await worker.start();
    const [poison] = await stream.produceBatch([{ type: 'poison.pill' }]);
    await stream.produceBatch(Array.from({ length: 20 }, () => ({ type: 'order.placed' })));
    await waitFor('the poison pill in the DLQ', () => deadLettered.length === 1, { timeoutMs: 10_000 });
    expect(deadLettered).toEqual([poison]);
    const [letter] = await deadLetters.newest();
    expect(letter).toMatchObject({
      originalId: poison,
      group: 'g',
      consumer: 'w',
      deliveryCount: 3,
      fields: { type: 'poison.pill' },
    });
    expect(letter?.reason).toMatch(
      /delivery count 3 reached maxDeliveries 3; last failure: cannot digest this/,
    );
    expect((await stream.pendingSummary('g')).count).toBe(0);
    expect(worker.status()).toMatchObject({ processed: 20, deadLettered: 1, failures: 2 });
  });

  it("a dead letter gives the handler's latest failure, whichever worker of the group saw it", async () => {
    const { stream, deadLetters } = setUp(50);
    await stream.ensureGroup('g', '0-0');
    const options = { blockMs: 50, deadLetters, maxDeliveries: 3 };
    const failing = (message: string) => () => {
      throw new Error(message);
    };
    const reader = startWorker(stream, 'g', 'reader', { ...options, handler: failing('first failure') });
    await reader.start();
    const [pill] = await stream.produceBatch([{ type: 'poison.pill' }]);
    await waitFor('the first failure', () => reader.status().failures === 1);
    // Started only now, so the pill reaches these two by claim alone: its second delivery, then its last. Each
    // reaps once blocked on new entries, its start-up drain of its own PEL behind it: a drain still to come
    // would re-read what the reap had just claimed, a delivery more than the test counts.
    const second = startWorker(stream, 'g', 'second', { ...options, handler: failing('second failure') });
    await second.start();
    await untilClientBlocked(redisSuite.redis, workerConnectionName(stream.streamKey, 'g', 'second'));
    await waitFor('the second failure', async () => {
      await second.reapIdlePel();
      return second.status().failures === 1;
    });
    const reaper = startWorker(stream, 'g', 'reaper', { ...options, handler: () => {} });
    await reaper.start();
    await untilClientBlocked(redisSuite.redis, workerConnectionName(stream.streamKey, 'g', 'reaper'));
    // The reap that moved it says so: claimed, not processed, dead-lettered.
    const reaped = await waitFor('the pill to be claimed and dead-lettered', async () => {
      const result = await reaper.reapIdlePel();
      return result.deadLettered === 1 ? result : null;
    });
    expect(reaped).toMatchObject({ claimed: 1, processed: 0 });
    const [letter] = await deadLetters.newest();
    expect(letter).toMatchObject({ originalId: pill, consumer: 'reaper', deliveryCount: 3 });
    // The reader joined first and remembers its own, older failure; the letter gives the latest.
    expect(letter?.reason).toMatch(/reached maxDeliveries 3; last failure: second failure$/);
  });

  it('an entry at the delivery limit that handledAlready knows was handled is acked as a duplicate, not dead-lettered', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch([
      { type: 'done.elsewhere' },
      { type: 'not.done' },
      { type: 'guard.down' },
    ]);
    const [, notDone, unknown] = ids;
    // Another process's consumer read them and had them claimed back once: two deliveries, none failed.
    await redisSuite.redis.xreadgroup('GROUP', 'g', 'elsewhere', 'STREAMS', stream.streamKey, '>');
    await redisSuite.redis.xclaim(stream.streamKey, 'g', 'elsewhere', 0, ...ids);
    const asked: (number | null)[] = [];
    const errors: string[] = [];
    const worker = startWorker(stream, 'g', 'w', {
      blockMs: 50,
      deadLetters,
      maxDeliveries: 3,
      handledAlready: (entry, { deliveryCount }) => {
        asked.push(deliveryCount);
        if (entry.fields.type === 'guard.down') throw new Error('guard unreachable');
        return entry.fields.type === 'done.elsewhere';
      },
    });
    worker.on('error', (event) => errors.push(`${event.operation}: ${String(event.error)}`));
    await worker.start();
    // The claim is their third delivery, at the limit.
    const reaped = await worker.reapIdlePel();
    expect(reaped).toMatchObject({ claimed: 3, processed: 1, deadLettered: 2 });
    expect(asked).toEqual([3, 3, 3]);
    const letters = await deadLetters.newest();
    expect(letters.map((letter) => letter.originalId).sort()).toEqual([notDone, unknown].sort());
    expect((await stream.pendingSummary('g')).count).toBe(0);
    expect(worker.status()).toMatchObject({ processed: 0, duplicates: 1, deadLettered: 2 });
    // A check that fails errs on the side of a letter, and says why.
    expect(errors).toEqual(['handledAlready: Error: guard unreachable']);
    expect(worker.status().lastError).toBe('handledAlready: guard unreachable');
    // The next check that answers clears it: status says what is wrong now. (Paused: the entry is elsewhere's.)
    await worker.pause();
    const [later] = await stream.produceBatch([{ type: 'done.elsewhere' }]);
    await redisSuite.redis.xreadgroup('GROUP', 'g', 'elsewhere', 'STREAMS', stream.streamKey, '>');
    await redisSuite.redis.xclaim(stream.streamKey, 'g', 'elsewhere', 0, later as string);
    expect(await worker.reapIdlePel()).toMatchObject({ claimed: 1, processed: 1 });
    expect(worker.status().lastError).toBeNull();
  });

  it('entries trimmed while abandoned are dead-lettered by the claim itself, naming the consumer that held them', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const crashed = startWorker(stream, 'g', 'w', { blockMs: 50, deadLetters });
    await crashed.start();
    crashed.crashNext(4);
    const ids = await stream.produceBatch(Array.from({ length: 4 }, () => ({ type: 'order.paid' })));
    await waitFor('four pending', async () => (await stream.pendingSummary('g')).count === 4);
    await stream.trimMaxlen(0, { approx: false });
    const reaper = startWorker(stream, 'g', 'reaper', { blockMs: 50, deadLetters });
    const told: (string | null)[] = [];
    reaper.on('dead-lettered', (event) => told.push(event.reason));
    await reaper.start();
    const reaped = await reaper.reapIdlePel();
    expect(reaped.deletedIds.sort()).toEqual([...ids].sort());
    // Told by the reaper, of what w held: its events name w, as the letters do.
    expect(told).toEqual(Array(4).fill('trimmed while pending at w'));
    const letters = await deadLetters.newest();
    expect(letters.map((letter) => letter.originalId).sort()).toEqual([...ids].sort());
    for (const letter of letters) {
      expect(letter).toMatchObject({ reason: 'trimmed', consumer: 'w', deliveryCount: 1 });
      // Nothing of the original was left to keep: not even an empty type a dashboard would offer to requeue.
      expect(letter.fields).toEqual({});
    }
    expect(reaper.status().deadLettered).toBe(4);
    expect(deadLetters.count).toBe(4);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('entries deleted mid-stream (XDEL) while abandoned are dead-lettered by the claim itself too, naming the consumer that held them and its count', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const crashed = startWorker(stream, 'g', 'w', { blockMs: 50, deadLetters });
    await crashed.start();
    crashed.crashNext(2);
    const [first = '', second = '', kept = ''] = await stream.produceBatch(
      Array.from({ length: 3 }, () => ({ type: 'order.paid' })),
    );
    await waitFor('two pending, one acked', async () => (await stream.pendingSummary('g')).count === 2);
    // The oldest entry stays: the deleted ones are above it, where no trimming reaches.
    await redisSuite.redis.xdel(stream.streamKey, second);
    const reaper = startWorker(stream, 'g', 'reaper', { blockMs: 50, deadLetters });
    await reaper.start();
    const reaped = await reaper.reapIdlePel();
    expect(reaped.deletedIds).toEqual([second]);
    await waitFor('its letter', async () => (await deadLetters.length()) === 1);
    const [letter] = await deadLetters.newest();
    expect(letter).toMatchObject({ originalId: second, consumer: 'w', deliveryCount: 1 });
    // The one still there was claimed and handled; the one never dropped was acked by w.
    await waitFor('nothing pending', async () => (await stream.pendingSummary('g')).count === 0);
    expect((await stream.replay('-', '+', 10)).map((entry) => entry.id)).toEqual([first, kept]);
  });

  it('a handover dead-letters what was trimmed from under the leaving consumer and moves the rest', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    // Six read by "leaving" and never acked; the oldest four are then trimmed away.
    const ids = await stream.produceBatch(Array.from({ length: 6 }, () => ({ type: 'order.paid' })));
    await stream.consume('g', 'leaving', 6, null);
    await stream.trimMinid(ids[4] as string, { approx: false });
    const handover = await deadLetters.handover('g', 'leaving', 'staying');
    expect(handover.moved).toBe(2);
    expect(handover.movedEntries).toEqual([
      { id: ids[4], deliveryCount: 1 },
      { id: ids[5], deliveryCount: 1 },
    ]);
    expect(handover.deleted).toBe(4);
    expect(handover.deadLettered?.map((letter) => letter.id)).toEqual(ids.slice(0, 4));
    const letters = await deadLetters.newest(10);
    expect(letters.map((letter) => letter.originalId).sort()).toEqual(ids.slice(0, 4).sort());
    for (const letter of letters) {
      expect(letter).toMatchObject({ reason: 'trimmed', consumer: 'leaving', deliveryCount: 1, group: 'g' });
    }
    expect(deadLetters.count).toBe(4);
    const pending = await stream.pendingDetail('g');
    expect(pending.map((row) => [row.id, row.consumer])).toEqual([
      [ids[4], 'staying'],
      [ids[5], 'staying'],
    ]);
  });

  it('a handover of an entry with the largest possible ID moves it and ends there, without a Redis error', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const last = '18446744073709551615-18446744073709551615';
    await redisSuite.redis.call('XADD', stream.streamKey, last, 'type', 'order.paid', 'ts_ms', '1');
    await stream.consume('g', 'leaving', 10, null);
    const moved = [{ id: last, deliveryCount: 1 }];
    expect(await deadLetters.handover('g', 'leaving', 'staying')).toEqual({
      moved: 1,
      movedEntries: moved,
      deleted: 0,
      deadLettered: [],
    });
    expect(await stream.handoverPending('g', 'staying', 'leaving')).toEqual({
      moved: 1,
      movedEntries: moved,
      deleted: 0,
    });
    expect((await stream.pendingDetail('g')).map((row) => [row.id, row.consumer])).toEqual([
      [last, 'leaving'],
    ]);
  });

  it('a DLQ key that cannot take letters fails the claim before anything is claimed: nothing leaves the PEL', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(Array.from({ length: 3 }, () => ({ type: 'order.paid' })));
    await stream.consume('g', 'dead', 10, 10); // delivered, never acked
    await stream.trimMaxlen(0, { approx: false });
    await redisSuite.redis.set(deadLetters.key, 'not a stream');
    await expect(deadLetters.autoclaim('g', 'reaper')).rejects.toThrow(/WRONGTYPE the dead-letter key/);
    expect((await stream.pendingSummary('g')).count).toBe(3);
    await redisSuite.redis.del(deadLetters.key);
    const result = await deadLetters.autoclaim('g', 'reaper');
    expect(result.deadLettered.map((letter) => letter.id).sort()).toEqual([...ids].sort());
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('trimmed IDs delivered lately that no worker here holds are dead-lettered after the claim; a failed write is retried, once, by the next reaps', async () => {
    const { stream, deadLetters } = setUp(60_000);
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(Array.from({ length: 3 }, () => ({ type: 'order.paid' })));
    await stream.consume('g', 'elsewhere', 10, 10); // a consumer of another process, say
    await stream.trimMaxlen(0, { approx: false });
    // A peer blocked in its read keeps the judgement waiting (its reply might carry those IDs), long enough
    // for the DLQ to turn unwritable behind the claim's back.
    const peer = startWorker(stream, 'g', 'peer', { blockMs: 2000, deadLetters });
    await peer.start();
    // Blocked, not only last seen sending XREADGROUP: its start-up read of its own PEL does that too, and keeps
    // no judgement waiting.
    await untilClientBlocked(redisSuite.redis, workerConnectionName(stream.streamKey, 'g', 'peer'));
    const reaper = startWorker(stream, 'g', 'reaper', { blockMs: 50, deadLetters });
    const errors: string[] = [];
    reaper.on('error', (event) => errors.push(String(event.error)));
    const told: string[] = [];
    reaper.on('dead-lettered', (event) => told.push(`${event.consumer}: ${event.reason}`));
    await reaper.start();
    const reaping = reaper.reapIdlePel();
    await waitFor('the claim made', async () => (await stream.pendingSummary('g')).count === 0);
    await redisSuite.redis.set(deadLetters.key, 'not a stream');
    const first = await reaping;
    expect(first.deletedIds.sort()).toEqual([...ids].sort());
    expect(errors[0]).toMatch(/WRONGTYPE/);
    await redisSuite.redis.del(deadLetters.key);
    // Two reaps at once (the auto-reaper's and a click on XAUTOCLAIM): each retries the unwritten letters.
    const [second, third] = await Promise.all([reaper.reapIdlePel(), reaper.reapIdlePel()]);
    expect([...second.deletedIds, ...third.deletedIds]).toEqual([]);
    // Once each: both reaps used to write all three.
    const letters = await deadLetters.newest();
    expect(letters.map((letter) => letter.originalId).sort()).toEqual([...ids].sort());
    expect(reaper.status().deadLettered).toBe(3);
    // With the delivery count the claim's script read of each before XAUTOCLAIM dropped it, kept through the
    // failed write: the letters said nothing of it.
    expect(letters.map((letter) => letter.deliveryCount)).toEqual([1, 1, 1]);
    // Naming the consumer whose PEL held them, not the reaper that found them trimmed; its events say so too.
    expect(letters.map((letter) => letter.consumer)).toEqual(['elsewhere', 'elsewhere', 'elsewhere']);
    expect(told).toEqual(Array(3).fill('reaper: trimmed while pending at elsewhere'));
  });

  // Redis 7.0's XAUTOCLAIM drops trimmed IDs from the PEL however fresh they are.
  it.each([
    [
      'entries trimmed while a peer in this process still handles them are not dead-lettered: the peer finishes them',
      60_000,
    ],
    [
      'with a claim threshold of 0, entries a peer here still handles are not dead-lettered by the claim script',
      0,
    ],
  ])('%s', async (_title, claimMinIdleMs) => {
    const { deadLetters, ids, acked, release, reaper } = await trimmedInBusyHands(claimMinIdleMs);
    const reaped = await reaper.reapIdlePel();
    expect(reaped.deletedIds).toEqual([]);
    release();
    await waitFor('the busy worker finished them', () => acked.length === 3);
    expect(acked).toEqual(ids);
    expect(await deadLetters.length()).toBe(0);
  });

  it('entries trimmed while a peer here handles them are dead-lettered when its handler then fails: the claim took them out of the PEL', async () => {
    const { stream, deadLetters, ids, release, reaper } = await trimmedInBusyHands(60_000, { fails: true });
    expect((await reaper.reapIdlePel()).deletedIds).toEqual([]);
    expect((await stream.pendingSummary('g')).count).toBe(0);
    release();
    await waitFor('three dead letters', async () => (await deadLetters.length()) === 3);
    const letters = await deadLetters.newest();
    expect(letters.map((letter) => letter.originalId).sort()).toEqual([...ids].sort());
    for (const letter of letters) {
      expect(letter).toMatchObject({ consumer: 'busy', deliveryCount: 1, fields: { type: 'order.paid' } });
      expect(letter.reason).toMatch(/^trimmed; last failure: the downstream store refused it$/);
    }
  });

  it('entries a peer here finished and acked while the claim that found them trimmed was out are not dead-lettered', async () => {
    const { deadLetters, ids, acked, release, reaper } = await trimmedInBusyHands(60_000);
    // The claim runs in Redis (and reports the three trimmed) before the busy worker acks them; its reply is
    // taken only after that ack: the worker no longer holds them, but it did finish them.
    const autoclaim = deadLetters.autoclaim.bind(deadLetters);
    deadLetters.autoclaim = async (...args) => {
      const result = await autoclaim(...args);
      expect(result.deletedIds).toHaveLength(3);
      // Read in the claim's own step: once it has run, the PEL no longer has them.
      expect(result.deletedDeliveryCounts).toEqual(new Map(ids.map((id) => [id, 1])));
      release();
      await waitFor('the busy worker acked them', () => acked.length === 3);
      return result;
    };
    const reaped = await reaper.reapIdlePel();
    expect(reaped.deletedIds).toEqual([]);
    expect(await deadLetters.length()).toBe(0);
  });

  it('entries trimmed from under a consumer that re-reads its own PEL go to the DLQ once, and leave the PEL', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(Array.from({ length: 3 }, () => ({ type: 'order.paid' })));
    await stream.consume('g', 'w', 10, 10); // delivered, never acked: a consumer that died
    await stream.trimMaxlen(0, { approx: false });
    // The DLQ cannot take them at first (its key holds a string): they must stay pending, not vanish.
    await redisSuite.redis.set(deadLetters.key, 'not a stream');
    // On start a worker drains its own PEL first, where the trimmed entries show without payload.
    const worker = startWorker(stream, 'g', 'w', { blockMs: 50, deadLetters });
    const errors: string[] = [];
    worker.on('error', (event) => errors.push(String(event.error)));
    await worker.start();
    await waitFor('the failed DLQ writes reported', () => errors.length >= 3);
    expect(errors[0]).toMatch(/WRONGTYPE/);
    expect((await stream.pendingSummary('g')).count).toBe(3);
    await redisSuite.redis.del(deadLetters.key);
    worker.requestPelDrain();
    await waitFor('three dead letters', async () => (await deadLetters.length()) === 3);
    const letters = await deadLetters.newest();
    expect(letters.map((letter) => letter.originalId).sort()).toEqual([...ids].sort());
    for (const letter of letters) {
      expect(letter).toMatchObject({ reason: 'trimmed', consumer: 'w' });
      expect(letter.fields).toEqual({});
    }
    expect((await stream.pendingSummary('g')).count).toBe(0);
    // Sent again, as after a lost reply: no longer pending, so nothing is written twice.
    const again = await deadLetters.send(ids[0] ?? '', {
      group: 'g',
      consumer: 'w',
      deliveryCount: null,
      reason: 'trimmed',
      fields: null,
      stillPending: true,
    });
    expect(again).toBeNull();
    expect(await deadLetters.length()).toBe(3);
  });

  it('a trimmed entry a consumer finds in its own PEL is lettered with the delivery count the PEL holds', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const [id] = await stream.produceBatch([{ type: 'order.paid' }]);
    await stream.consume('g', 'w', 10, null);
    // Read back from its PEL twice, as two earlier restarts would: delivered three times in all.
    for (let n = 0; n < 2; n++) await stream.consumeOwnPel('g', 'w', 10, '0-0');
    await stream.trimMaxlen(0, { approx: false });
    // A --no-reset restart: its PEL drain finds the entry trimmed (no fields), and XPENDING still knows its count.
    const worker = startWorker(stream, 'g', 'w', { blockMs: 50, deadLetters });
    const events: { kind: string; deliveryCount: number | null }[] = [];
    for (const kind of ['deleted', 'dead-lettered'] as const) {
      worker.on(kind, (event) => events.push({ kind, deliveryCount: event.deliveryCount }));
    }
    await worker.start();
    await waitFor('its letter', async () => (await deadLetters.length()) === 1);
    const [letter] = await deadLetters.newest();
    // The letter's dlq_delivery_count was empty.
    expect(letter).toMatchObject({ originalId: id, reason: 'trimmed', consumer: 'w', deliveryCount: 3 });
    expect(await redisSuite.redis.xrange(deadLetters.key, '-', '+')).toEqual([
      [letter?.id, expect.arrayContaining(['dlq_delivery_count', '3'])],
    ]);
    await waitFor('its events', () => events.length === 2);
    expect(events).toEqual([
      { kind: 'deleted', deliveryCount: 3 },
      { kind: 'dead-lettered', deliveryCount: 3 },
    ]);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('is written once: a second send of the same entry does nothing', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const [id = ''] = await stream.produceBatch([{ type: 'order.placed', payload: { n: 1 } }]);
    const [entry] = await stream.consume('g', 'w', 1, 10);
    const info = {
      group: 'g',
      consumer: 'w',
      deliveryCount: 1,
      reason: 'test',
      fields: entry?.fields ?? null,
    };
    expect(await deadLetters.send(id, info)).not.toBeNull();
    expect(await deadLetters.send(id, info)).toBeNull();
    expect(await deadLetters.length()).toBe(1);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it("finds one entry's letters, in every group that wrote one, without their payloads", async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    await stream.ensureGroup('h', '0-0');
    const [first = '', second = '', third = ''] = await stream.produceBatch(
      Array.from({ length: 3 }, (_, n) => ({ type: 'order.placed', payload: { n } })),
    );
    const entries = await stream.consume('g', 'w', 3, 10);
    await stream.consume('h', 'v', 3, 10);
    const fields = (id: string) => entries.find((entry) => entry.id === id)?.fields ?? null;
    const letter = (id: string, group: string, reason: string) =>
      deadLetters.send(id, { group, consumer: 'w', deliveryCount: 5, reason, fields: fields(id) });
    await letter(first, 'g', 'x'.repeat(LETTER_META_CHARS + 500));
    await letter(second, 'g', 'bad payload');
    await letter(second, 'h', 'bad payload too');

    const { letters, complete } = await deadLetters.lettersOf(second);
    expect(complete).toBe(true);
    expect(letters.map(({ originalId, group, reason }) => [originalId, group, reason])).toEqual([
      [second, 'g', 'bad payload'],
      [second, 'h', 'bad payload too'],
    ]);
    expect(letters[0]).not.toHaveProperty('fields');
    expect(await deadLetters.lettersOf(third)).toEqual({ letters: [], complete: true });
    // Past 2^53 ms a Number would round the millisecond part past the ID space.
    expect(await deadLetters.lettersOf('18446744073709551615')).toEqual({ letters: [], complete: true });
    // A long reason comes back cut, marked so.
    const [long] = (await deadLetters.lettersOf(first)).letters;
    expect(long?.reason).toHaveLength(LETTER_META_CHARS + 1);
    expect(long?.reason.endsWith('…')).toBe(true);
    // Bounded: the letters it may read, and those it may return.
    expect(await deadLetters.lettersOf(second, { scanMax: 1 })).toEqual({ letters: [], complete: false });
    const firstOnly = await deadLetters.lettersOf(second, { max: 1 });
    expect([firstOnly.letters.length, firstOnly.complete]).toEqual([1, false]);
    await expect(deadLetters.lettersOf('soon')).rejects.toThrow(/originalId must be a stream ID/);
    await expect(deadLetters.lettersOf(second, { scanMax: 0 })).rejects.toThrow(/scanMax must be/);
  });

  it('finds the letters of an entry whose ID its producer chose ahead of its time, written before the clock reached the ID, the entry there or gone', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const now = Date.now();
    // A minute ahead of ts_ms: its letter, written now, is older than the entry.
    const chosen = `${now + 60_000}-0`;
    await redisSuite.redis.xadd(stream.streamKey, chosen, 'type', 'order.placed', 'ts_ms', String(now));
    const [entry] = await stream.consume('g', 'w', 1, 10);
    await deadLetters.send(chosen, {
      group: 'g',
      consumer: 'w',
      deliveryCount: 5,
      reason: 'bad payload',
      fields: entry?.fields ?? null,
    });
    const reasons = async () => (await deadLetters.lettersOf(chosen)).letters.map((letter) => letter.reason);
    expect(await reasons()).toEqual(['bad payload']);
    // Gone from the stream, it has no ts_ms to go by: its ID ahead of now says the same.
    await redisSuite.redis.xdel(stream.streamKey, chosen);
    expect(await reasons()).toEqual(['bad payload']);
  });

  it('dead-letters one pending entry by hand with its consumer and delivery count, acked in the same step', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const [first = '', second = ''] = await stream.produceBatch([
      { type: 'order.placed', payload: { n: 1 } },
      { type: 'order.paid', payload: { n: 2 } },
    ]);
    await stream.consume('g', 'w1', 2, null);
    await stream.claim('g', 'w2', [first], 0);

    const outcome = await deadLetters.sendPending('g', first, 'parked by hand');
    expect(outcome).toMatchObject({ sent: true, consumer: 'w2', deliveryCount: 2, trimmed: false });
    const [letter] = await deadLetters.newest(1);
    expect(letter).toMatchObject({ originalId: first, group: 'g', consumer: 'w2', deliveryCount: 2 });
    expect(letter?.reason).toBe('parked by hand');
    expect(letter?.fields).toMatchObject({ type: 'order.placed', n: '1' });
    // Its neighbour stays where it was; the entry itself is no longer pending, so a second send writes nothing.
    expect((await stream.pendingDetail('g')).map((row) => row.id)).toEqual([second]);
    expect(await deadLetters.sendPending('g', first, 'again')).toEqual({ sent: false, pending: null });
    expect(await deadLetters.length()).toBe(1);
  });

  it('leaves an entry idle less than minIdleMs where it is, answering with its row; never-delivered ones are not pending', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const [read = '', unread = ''] = await stream.produceBatch([
      { type: 'order.placed', payload: {} },
      { type: 'order.paid', payload: {} },
    ]);
    await stream.consume('g', 'w', 1, null);
    const outcome = await deadLetters.sendPending('g', read, 'x', { minIdleMs: 3_600_000 });
    expect(outcome).toMatchObject({ sent: false, pending: { id: read, consumer: 'w', deliveries: 1 } });
    expect(await deadLetters.sendPending('g', unread, 'x')).toEqual({ sent: false, pending: null });
    expect(await deadLetters.length()).toBe(0);
    expect((await stream.pendingSummary('g')).count).toBe(1);
  });

  it('writes no letter by hand for an entry claimed between its read and its letter: its new consumer has it', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const [id = ''] = await stream.produceBatch([{ type: 'order.placed', payload: {} }]);
    await stream.consume('g', 'crashed', 1, null);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A reaper claims it once sendPending has found it idle long enough, before the letter is written.
    const replay = stream.replay.bind(stream);
    let claimed: string[] = [];
    stream.replay = async (...args) => {
      stream.replay = replay;
      claimed = (await stream.autoclaim('g', 'reaper', { minIdleMs: 10 })).claimed.map((entry) => entry.id);
      return replay(...args);
    };
    const outcome = await deadLetters.sendPending('g', id, 'parked by hand', { minIdleMs: 10 });
    expect(claimed).toEqual([id]);
    expect(outcome).toMatchObject({ sent: false, pending: { id, consumer: 'reaper', deliveries: 2 } });
    expect(await deadLetters.length()).toBe(0);
    expect((await stream.pendingDetail('g')).map((row) => row.consumer)).toEqual(['reaper']);
  });

  it('dead-letters by hand an entry trimmed while pending, saying it was, with no payload to requeue', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const [id = ''] = await stream.produceBatch([{ type: 'order.placed', payload: {} }]);
    await stream.consume('g', 'w', 1, null);
    await stream.trimMaxlen(0, { approx: false });
    expect(await deadLetters.sendPending('g', id, 'x')).toMatchObject({ sent: true, trimmed: true });
    expect((await deadLetters.newest(1))[0]?.fields).toEqual({});
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('refuses bad arguments to sendPending before any Redis call', async () => {
    const { deadLetters } = setUp();
    await expect(deadLetters.sendPending('', '1-0', 'x')).rejects.toThrow(StreamArgumentError);
    await expect(deadLetters.sendPending('g', 'nope', 'x')).rejects.toThrow(/id/);
    await expect(deadLetters.sendPending('g', '1-0', '')).rejects.toThrow(/reason/);
    await expect(deadLetters.sendPending('g', '1-0', 'x', { minIdleMs: -1 })).rejects.toThrow(/minIdleMs/);
    await expect(
      deadLetters.sendPending('g', '1-0', 'x', { minIdle: 5 } as unknown as { minIdleMs: number }),
    ).rejects.toThrow(/did you mean minIdleMs/);
  });

  it('a bare millisecond names the entry at sequence 0, as XACK reads it: a pending neighbour is not lettered for it', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    for (const id of ['5-0', '5-1']) {
      await redisSuite.redis.call('XADD', stream.streamKey, id, 'type', 'order.paid', 'ts_ms', '0');
    }
    await stream.consume('g', 'w', 2, null);
    await stream.ack('g', ['5-0']);
    const info = {
      group: 'g',
      consumer: 'w',
      deliveryCount: 5,
      reason: 'test',
      fields: { type: 'order.paid', ts_ms: '0' },
    };
    // 5-0 is no longer pending: nothing to letter, and 5-1 is left alone.
    expect(await deadLetters.send('5', info)).toBeNull();
    expect(await deadLetters.length()).toBe(0);
    expect((await stream.pendingDetail('g')).map((row) => row.id)).toEqual(['5-1']);
  });

  it('requeues to the main stream (fresh id, same fields) or discards', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch([
      { type: 'order.placed', payload: { order_id: 'o-1' } },
      { type: 'order.paid', payload: { order_id: 'o-2' } },
    ]);
    const entries = await stream.consume('g', 'w', 2, 10);
    await letterAll(deadLetters, entries);
    const [second, first] = await deadLetters.newest();
    // Paged newest first: the page before the newest holds the one older.
    expect((await deadLetters.newest(1, second?.id)).map((letter) => letter.id)).toEqual([first?.id]);
    expect(await deadLetters.newest(1, first?.id)).toEqual([]);
    const requeued = await stream.replay('-', '+', 10).then(() => deadLetters.requeue(first?.id ?? ''));
    expect(requeued).toMatchObject({ originalId: ids[0], eventType: 'order.placed' });
    const newId = requeued?.requeuedAs ?? '';
    const [copy] = await stream.replay(newId, newId, 1);
    expect(copy?.fields).toMatchObject({ type: 'order.placed', order_id: 'o-1', requeued_from: ids[0] });
    expect(copy?.id).not.toBe(ids[0]);
    expect(await deadLetters.discard(second?.id ?? '')).toBe(true);
    expect(await deadLetters.length()).toBe(0);
    expect(await deadLetters.requeue(first?.id ?? '')).toBeNull();
  });

  it('discards every letter up to the one given in one step, and keeps the ones written after it', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 3 }, () => ({ type: 'order.paid' })));
    await letterAll(deadLetters, await stream.consume('g', 'w', 3, 10));
    const [newest, middle] = await deadLetters.newest();
    expect(await deadLetters.discardThrough(middle?.id ?? '')).toBe(2);
    expect((await deadLetters.newest()).map((letter) => letter.id)).toEqual([newest?.id]);
    expect(await deadLetters.discardThrough(middle?.id ?? '')).toBe(0);
    // A bare millisecond means all of it.
    expect(await deadLetters.discardThrough(String(newest?.id.split('-')[0]))).toBe(1);
    await expect(deadLetters.discardThrough('newest')).rejects.toThrow(/through must be a stream ID/);
  });

  it('discards every letter through the last ID there is, bare or full (it has no successor to trim at)', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 3 }, () => ({ type: 'order.paid' })));
    const [first, second, third] = await stream.consume('g', 'w', 3, 10);
    const letter = (entry: typeof first) =>
      deadLetters.send(entry?.id ?? '', {
        group: 'g',
        consumer: 'w',
        deliveryCount: 5,
        reason: 'x',
        fields: entry?.fields ?? { type: 'order.paid', ts_ms: '0' },
      });
    await letter(first);
    await letter(second);
    const last = '18446744073709551615';
    expect(await deadLetters.discardThrough(`${last}-${last}`)).toBe(2);
    await letter(third);
    expect(await deadLetters.discardThrough(last)).toBe(1);
    expect(await deadLetters.length()).toBe(0);
  });

  it('requeues every letter through the one given, oldest first, with requeued_from, and keeps the ones after it', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(
      Array.from({ length: 4 }, (_, n) => ({ type: 'order.paid', payload: { order_id: `o-${n}` } })),
    );
    await letterAll(deadLetters, await stream.consume('g', 'w', 4, 10));
    const [newest, through] = await deadLetters.newest();
    const seen: string[] = [];
    const result = await deadLetters.requeueThrough(through?.id ?? '', {
      onRequeued: (letter) => seen.push(letter.originalId),
    });
    expect(result).toEqual({
      requeued: 3,
      skipped: 0,
      skippedBy: { trimmed: 0, wide: 0 },
      skippedLetters: [],
      merged: 0,
      more: false,
      stoppedForRoom: null,
    });
    expect(seen).toEqual(ids.slice(0, 3));
    expect((await deadLetters.newest()).map((letter) => letter.id)).toEqual([newest?.id]);
    const copies = (await stream.replay('-', '+', 10)).slice(4);
    expect(copies.map((copy) => copy.fields.requeued_from)).toEqual(ids.slice(0, 3));
    expect(copies.map((copy) => copy.fields.order_id)).toEqual(['o-0', 'o-1', 'o-2']);
    // Nothing left through it: a second click finds nothing to do.
    expect(await deadLetters.requeueThrough(through?.id ?? '')).toMatchObject({ requeued: 0, skipped: 0 });
  });

  it('puts an entry back once, whichever groups dead-lettered it: its other letters are discarded, that one copy reaching every group', async () => {
    const { stream, deadLetters } = setUp();
    const send = (n: number, group: string, fields: Record<string, string> | null) =>
      letterOfPill(deadLetters, `${n}-0`, group, fields);
    // Entry 1 lettered by both groups; entry 2 by one group trimmed (nothing to put back), the other not; entry 3 once.
    const through = [
      await send(1, 'notifications', { order_id: 'o-1' }),
      await send(1, 'analytics', { order_id: 'o-1' }),
      await send(2, 'notifications', null),
      await send(2, 'analytics', { order_id: 'o-2' }),
      await send(3, 'analytics', { order_id: 'o-3' }),
    ].at(-1);
    const result = await deadLetters.requeueThrough(through ?? '');
    // Entry 2's trimmed letter, passed over, went once its other letter put it back: the copy reaches its group too.
    expect(result).toMatchObject({ requeued: 3, merged: 2, skipped: 0, skippedBy: { trimmed: 0, wide: 0 } });
    const copies = await stream.replay('-', '+', 10);
    // In the letters' order: entry 2's first letter was refused (trimmed), its second put it back.
    expect(copies.map((copy) => copy.fields.requeued_from)).toEqual(['1-0', '2-0', '3-0']);
    expect(await deadLetters.length()).toBe(0);
  });

  it('leaves the letters it cannot requeue (trimmed, too wide) in place and names them, and requeues the rest', async () => {
    const { stream, deadLetters } = setUp();
    const send = (n: number, fields: Record<string, string> | null) =>
      deadLetters.send(`${n}-0`, {
        group: 'g',
        consumer: 'w',
        deliveryCount: 5,
        reason: 'x',
        fields: fields && { type: 'order.paid', ts_ms: '1', ...fields },
        stillPending: false,
      });
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, n) => [`f${n}`, `v${n}`]));
    // 250 letters, so three pages, with a trimmed one at the end of the first and a wide one in the second.
    const letterIds: (string | null)[] = [];
    for (let n = 1; n <= 250; n++) {
      letterIds.push(await send(n, n === 100 ? null : n === 150 ? wide : { order_id: `o-${n}` }));
    }
    const after = await send(251, { order_id: 'later' });
    const result = await deadLetters.requeueThrough(letterIds.at(-1) ?? '');
    expect(result).toEqual({
      requeued: 248,
      skipped: 2,
      skippedBy: { trimmed: 1, wide: 1 },
      skippedLetters: [
        { id: letterIds[99], originalId: '100-0', reason: 'trimmed' },
        { id: letterIds[149], originalId: '150-0', reason: 'wide' },
      ],
      merged: 0,
      more: false,
      stoppedForRoom: null,
    });
    expect((await deadLetters.newest()).map((letter) => letter.id)).toEqual([
      after,
      letterIds[149],
      letterIds[99],
    ]);
    const copies = await stream.replay('-', '+', 500);
    expect(copies).toHaveLength(248);
    expect(copies.at(0)?.fields).toMatchObject({ order_id: 'o-1', requeued_from: '1-0' });
    expect(copies.at(-1)?.fields).toMatchObject({ order_id: 'o-250', requeued_from: '250-0' });
  });

  it('looks at no more than limit letters, and says when more are left through the one given', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 5 }, () => ({ type: 'order.paid' })));
    await letterAll(deadLetters, await stream.consume('g', 'w', 5, 10));
    const [newest] = await deadLetters.newest(1);
    const through = newest?.id ?? '';
    expect(await deadLetters.requeueThrough(through, { limit: 2 })).toMatchObject({
      requeued: 2,
      more: true,
    });
    expect(await deadLetters.requeueThrough(through, { limit: 3 })).toMatchObject({
      requeued: 3,
      more: false,
      stoppedForRoom: null,
    });
    expect(await deadLetters.length()).toBe(0);
    expect(await stream.length()).toBe(10);
  });

  it('an onRequeued that throws stops the run once its page is settled: the error counts every letter put back, and their marks are finished', async () => {
    const { deadLetters } = setUp();
    for (let n = 1; n <= 5; n++) {
      await deadLetters.send(`${n}-0`, {
        group: 'g',
        consumer: 'w',
        deliveryCount: 5,
        reason: 'x',
        fields: { type: 'order.paid', ts_ms: '1' },
        stillPending: false,
      });
    }
    const run = deadLetters.requeueThrough('18446744073709551615-18446744073709551615', {
      onRequeued: () => {
        throw new Error('the caller’s log is full');
      },
    });
    await expect(run).rejects.toThrow(RequeueStoppedError);
    await expect(run).rejects.toMatchObject({
      message: expect.stringContaining(
        'stopped after 5 requeued: onRequeued threw: the caller’s log is full',
      ),
      requeued: 5,
      unanswered: 0,
    });
    expect(await deadLetters.length()).toBe(0);
    expect(await redisSuite.redis.hlen(deadLetters.marksKey)).toBe(0);
  });

  it('refuses bad arguments before any Redis call', async () => {
    const { deadLetters } = setUp();
    const refusals: [unknown, unknown, RegExp][] = [
      ['newest', undefined, /through must be a stream ID/],
      ['1-0', null, /requeueThrough options must be an object/],
      ['1-0', { limit: 0 }, /limit must be an integer >= 1/],
      ['1-0', { limit: 1.5 }, /limit must be an integer >= 1/],
      ['1-0', { onRequeued: 'log' }, /onRequeued must be a function/],
      ['1-0', { roomWaitMs: -1 }, /roomWaitMs must be an integer >= 0/],
      ['1-0', { roomPollMs: 0 }, /roomPollMs must be an integer >= 1/],
      ['1-0', { signal: 'stop' }, /signal must be an AbortSignal/],
    ];
    for (const [through, options, message] of refusals) {
      const call = deadLetters.requeueThrough(through as string, options as never);
      await expect(call).rejects.toThrow(StreamArgumentError);
      await expect(call).rejects.toThrow(message);
    }
  });

  it('reads a through past the newest letter as the newest: a letter written while it runs stays, none goes back twice', async () => {
    const { deadLetters } = setUp();
    const send = (n: number) =>
      deadLetters.send(`${n}-0`, {
        group: 'g',
        consumer: 'w',
        deliveryCount: 5,
        reason: 'x',
        fields: { type: 'order.paid', ts_ms: '1', order_id: `o-${n}` },
        stillPending: false,
      });
    for (let n = 1; n <= 150; n++) await send(n);
    // A letter written after the first page went back, as a worker re-lettering a poison copy would.
    let during: Promise<string | null> | undefined;
    const requeued: string[] = [];
    const result = await deadLetters.requeueThrough('18446744073709551615-18446744073709551615', {
      onRequeued: (letter) => {
        requeued.push(letter.originalId);
        during ??= send(151);
      },
    });
    expect(result).toEqual({
      requeued: 150,
      skipped: 0,
      skippedBy: { trimmed: 0, wide: 0 },
      skippedLetters: [],
      merged: 0,
      more: false,
      stoppedForRoom: null,
    });
    expect(new Set(requeued).size).toBe(150);
    expect((await deadLetters.newest()).map((letter) => letter.id)).toEqual([await during]);
    // A bare millisecond past every letter too.
    expect(await deadLetters.requeueThrough(String(Date.now() + 60_000))).toMatchObject({ requeued: 1 });
  });

  it('a single requeue discards the entry’s other letters too, so a later requeue-all does not put it back again', async () => {
    const { stream, deadLetters } = setUp();
    const send = (group: string, fields: Record<string, string> | null) =>
      letterOfPill(deadLetters, '7-0', group, fields);
    const notifications = await send('notifications', { order_id: 'o-7' });
    await send('analytics', { order_id: 'o-7' });
    // A group that had it trimmed while pending: nothing of its own to put back, and the copy reaches it too.
    const newest = await send('audit', null);
    const requeued = await deadLetters.requeue(notifications ?? '');
    expect(requeued).toMatchObject({ originalId: '7-0', merged: 2 });
    expect(await deadLetters.length()).toBe(0);
    expect(await deadLetters.requeueThrough(newest ?? '')).toMatchObject({ requeued: 0 });
    expect((await stream.replay('-', '+', 10)).map((copy) => copy.fields.requeued_from)).toEqual(['7-0']);
  });

  it('a requeue cut off before it discarded the entry’s other letters leaves it marked: they are discarded when requeued, never put back again', async () => {
    const { stream, deadLetters } = setUp();
    const send = (n: number, group: string) =>
      letterOfPill(deadLetters, `${n}-0`, group, { order_id: `o-${n}` });
    const [seven, sevenAgain, , eight, eightAgain, nine, nineAgain] = [
      await send(7, 'notifications'),
      await send(7, 'analytics'),
      await send(7, 'audit'),
      await send(8, 'notifications'),
      await send(8, 'analytics'),
      await send(9, 'notifications'),
      await send(9, 'analytics'),
    ];
    // As a process killed just after each requeue's script (copy appended, letter gone, entry marked) leaves it.
    const scriptOnly = (letterId: string | null) =>
      redisSuite.redis.eval(
        REQUEUE_LUA,
        3,
        deadLetters.key,
        stream.streamKey,
        deadLetters.marksKey,
        letterId ?? '',
        '',
        '1',
      ) as Promise<[string, string, string]>;
    const [sevenCopy] = await scriptOnly(seven);
    await scriptOnly(eight);
    await scriptOnly(nine);
    expect(await redisSuite.redis.hlen(deadLetters.marksKey)).toBe(3);

    // A single requeue of a sibling: only discarded, with the rest of the entry's letters, and the mark cleared.
    expect(await deadLetters.requeue(sevenAgain ?? '')).toEqual({
      requeuedAs: sevenCopy,
      originalId: '7-0',
      eventType: null,
      merged: 1,
      alreadyBack: true,
    });
    expect(await deadLetters.lettersOf('7-0')).toMatchObject({ letters: [] });
    expect(await redisSuite.redis.hexists(deadLetters.marksKey, '7-0')).toBe(0);
    // A requeue-all: entry 8's letter merged, not appended; entry 9's is not in its range and stays.
    expect(await deadLetters.requeueThrough(eightAgain ?? '')).toMatchObject({ requeued: 0, merged: 1 });
    expect((await deadLetters.newest()).map((letter) => letter.id)).toEqual([nineAgain]);
    // At start an application finishes what is still marked: entry 9's other letter goes, and every mark.
    expect(await deadLetters.finishRequeues()).toEqual({ requeues: 2, merged: 1 });
    expect(await deadLetters.length()).toBe(0);
    expect(await redisSuite.redis.exists(deadLetters.marksKey)).toBe(0);
    expect((await stream.replay('-', '+', 10)).map((copy) => copy.fields.requeued_from)).toEqual([
      '7-0',
      '8-0',
      '9-0',
    ]);
  });

  it('finishes thousands of cut-off requeues, a pass over the DLQ per 2,000, every other letter of theirs gone', async () => {
    const { stream, deadLetters } = setUp();
    const letters = redisSuite.redis.pipeline();
    for (let n = 1; n <= 2_500; n++) {
      for (const group of ['notifications', 'analytics']) {
        letters.xadd(deadLetters.key, '*', 'dlq_original_id', `${n}-0`, 'dlq_group', group, 'type', 'x');
      }
    }
    const ids = (await letters.exec())?.map(([, id]) => String(id)) ?? [];
    // Each entry's first letter requeued by its script alone, as a process killed mid requeue-all leaves them.
    const requeues = redisSuite.redis.pipeline();
    for (const id of ids.filter((_, at) => at % 2 === 0)) {
      requeues.eval(REQUEUE_LUA, 3, deadLetters.key, stream.streamKey, deadLetters.marksKey, id, '', '1');
    }
    await requeues.exec();
    expect(await redisSuite.redis.hlen(deadLetters.marksKey)).toBe(2_500);
    expect(await deadLetters.finishRequeues()).toEqual({ requeues: 2_500, merged: 2_500 });
    expect(await deadLetters.length()).toBe(0);
    expect(await redisSuite.redis.exists(deadLetters.marksKey)).toBe(0);
    expect(await stream.length()).toBe(2_500);
  });

  it('finds an entry’s other letters written before its ID’s time (a producer’s own ID, a clock stepped back): never put back twice', async () => {
    const { stream, deadLetters } = setUp();
    // An ID a minute ahead of the clock that stamps the letters: both letters are older than their entry.
    const ahead = `${Date.now() + 60_000}-0`;
    const first = await letterOfPill(deadLetters, ahead, 'notifications', { order_id: 'o-1' });
    const second = await letterOfPill(deadLetters, ahead, 'analytics', { order_id: 'o-1' });
    expect(await deadLetters.requeue(second ?? '')).toMatchObject({ originalId: ahead, merged: 1 });
    expect(await deadLetters.requeue(first ?? '')).toBeNull();
    // The same through a requeue-all, and at start for a requeue cut off after its script.
    const third = await letterOfPill(deadLetters, ahead, 'notifications', { order_id: 'o-1' });
    await letterOfPill(deadLetters, ahead, 'analytics', { order_id: 'o-1' });
    expect(await deadLetters.requeueThrough(third ?? '')).toMatchObject({ requeued: 1, merged: 1 });
    await letterOfPill(deadLetters, ahead, 'notifications', { order_id: 'o-1' });
    await redisSuite.redis.hset(deadLetters.marksKey, ahead, '9-0');
    expect(await deadLetters.finishRequeues()).toEqual({ requeues: 1, merged: 1 });
    expect(await deadLetters.length()).toBe(0);
    expect(await stream.length()).toBe(2);
    // The requeued letter newer than its entry, its sibling older: the entry's ID, ahead of the time written in it,
    // says its letters may be older than it.
    const soon = `${Date.now() + 300}-0`;
    const older = await letterOfPill(deadLetters, soon, 'notifications', { order_id: 'o-2' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const newer = await letterOfPill(deadLetters, soon, 'analytics', { order_id: 'o-2' });
    expect(await deadLetters.requeue(newer ?? '')).toMatchObject({ originalId: soon, merged: 1 });
    expect(await deadLetters.requeue(older ?? '')).toBeNull();
    expect(await stream.length()).toBe(3);
  });

  it('finds the letters another client wrote with its own fields in another order, as it reads them', async () => {
    const { stream, deadLetters } = setUp();
    const write = (group: string) =>
      redisSuite.redis.xadd(
        deadLetters.key,
        '*',
        'dlq_group',
        group,
        'dlq_reason',
        'x',
        'dlq_original_id',
        '5-0',
        'type',
        'order.paid',
      );
    const first = await write('notifications');
    await write('analytics');
    expect((await deadLetters.lettersOf('5-0')).letters.map((letter) => letter.group)).toEqual([
      'notifications',
      'analytics',
    ]);
    expect(await deadLetters.requeue(first ?? '')).toMatchObject({ originalId: '5-0', merged: 1 });
    expect(await deadLetters.length()).toBe(0);
    expect(await stream.length()).toBe(1);
  });

  it('finishes cut-off requeues when Redis is at maxmemory: it only deletes', async () => {
    const { deadLetters } = setUp();
    await letterOfPill(deadLetters, '3-0', 'notifications', { order_id: 'o-3' });
    await redisSuite.redis.hset(deadLetters.marksKey, '3-0', '9-0');
    await redisSuite.redis.config('SET', 'maxmemory', '1');
    redisSuite.afterThisTest(async () => {
      await redisSuite.redis.config('SET', 'maxmemory', '0');
    });
    expect(await deadLetters.finishRequeues()).toEqual({ requeues: 1, merged: 1 });
    expect(await deadLetters.length()).toBe(0);
  });

  it('requeue marks of another type refuse every requeue before it appends; a requeue-all says none went back, no reply lost', async () => {
    const { stream, deadLetters } = setUp();
    redisSuite.afterThisTest(() => redisSuite.redis.del(deadLetters.marksKey));
    const letter = await letterOfPill(deadLetters, '3-0', 'g', { order_id: 'o-3' });
    const through = await letterOfPill(deadLetters, '4-0', 'g', { order_id: 'o-4' });
    await redisSuite.redis.set(deadLetters.marksKey, 'in the way');
    await expect(deadLetters.requeue(letter ?? '')).rejects.toThrow(
      `WRONGTYPE the requeue marks key ${deadLetters.marksKey} holds a string, not a hash`,
    );
    const stopped = await deadLetters.requeueThrough(through ?? '').catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(RequeueStoppedError);
    expect(stopped).toMatchObject({ requeued: 0, unanswered: 0 });
    expect((stopped as Error).message).toMatch(/stopped after 0 requeued: .*WRONGTYPE/);
    expect(await stream.length()).toBe(0);
    expect(await deadLetters.length()).toBe(2);
  });

  it('two clients requeueing two letters of one entry at once put it back once: the second finds it back', async () => {
    const { stream, deadLetters } = setUp();
    const other = new EventStream({ connection: redisSuite.server.url, streamKey: stream.streamKey });
    redisSuite.afterThisTest(() => other.close());
    const otherLetters = new DeadLetters(other, deadLetters.key);
    const pairs: [string, string][] = [];
    for (let n = 1; n <= 30; n++) {
      const first = await letterOfPill(deadLetters, `${n}-0`, 'notifications', { order_id: `o-${n}` });
      const second = await letterOfPill(deadLetters, `${n}-0`, 'analytics', { order_id: `o-${n}` });
      pairs.push([first ?? '', second ?? '']);
    }
    const results = await Promise.all(
      pairs.flatMap(([first, second]) => [deadLetters.requeue(first), otherLetters.requeue(second)]),
    );
    const copies = await stream.replay('-', '+', 100);
    expect(copies).toHaveLength(30);
    expect(new Set(copies.map((copy) => copy.fields.requeued_from)).size).toBe(30);
    // Each entry: one requeue appended it, the other found it back, or had its letter taken by the first.
    const appended = results.filter((result) => result !== null && !result.alreadyBack);
    expect(appended).toHaveLength(30);
    expect(await deadLetters.length()).toBe(0);
    expect(await redisSuite.redis.exists(deadLetters.marksKey)).toBe(0);
  });

  it('racing another requeueThrough, a discardThrough and single requeues, each letter goes once, and the counts add up', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 400 }, () => ({ type: 'order.paid' })));
    await letterAll(deadLetters, await stream.consume('g', 'w', 400, 10));
    await redisSuite.redis.del(stream.streamKey);
    const ids = (await deadLetters.newest(400)).map((letter) => letter.id).reverse();
    const through = ids[349] ?? '';
    const [first, second, discarded, ...singles] = await Promise.all([
      deadLetters.requeueThrough(through),
      deadLetters.requeueThrough(through),
      deadLetters.discardThrough(ids[200] ?? ''),
      ...ids.slice(100, 120).map((id) => deadLetters.requeue(id)),
    ]);
    const requeued = first.requeued + second.requeued + singles.filter((single) => single !== null).length;
    const copies = await stream.replay('-', '+', 1_000);
    expect(copies).toHaveLength(requeued);
    expect(new Set(copies.map((copy) => copy.fields.requeued_from)).size).toBe(requeued);
    // The 50 after `through` stay, whatever else happened to the first 350.
    expect(await deadLetters.length()).toBe(50);
    expect(requeued + discarded).toBe(350);
  });

  it('cut off by a dropped connection, says how many went back; each letter is back or still lettered, never both', async () => {
    const stream = new EventStream({ connection: redisSuite.server.url, streamKey: uniqueStreamKey('dlq') });
    const deadLetters = new DeadLetters(stream);
    redisSuite.afterThisTest(async () => {
      await redisSuite.redis.del(stream.streamKey, deadLetters.key);
      await stream.close();
    });
    // Every other one trimmed (nothing to put back), so each page has letters it skips too.
    const letters = redisSuite.redis.pipeline();
    for (let n = 1; n <= 4_000; n++) {
      const payload = n % 2 === 0 ? ['type', 'order.paid', 'ts_ms', '1', 'order_id', `o-${n}`] : [];
      letters.xadd(deadLetters.key, '*', 'dlq_original_id', `${n}-0`, 'dlq_reason', 'x', ...payload);
    }
    const through = String((await letters.exec())?.at(-1)?.[1]);
    const reported: string[] = [];
    const { outcome } = await dropConnectionDuringAppend(
      stream.redis,
      redisSuite.redis,
      stream.streamKey,
      async () => {
        await deadLetters.requeueThrough(through, {
          onRequeued: (letter) => reported.push(letter.requeuedAs),
        });
        return reported;
      },
    );
    const copies = await stream.replay('-', '+', 10_000);
    const left = await deadLetters.newest(10_000);
    // Every copy is reported, but for those of the page whose replies the drop took: the message says so.
    let unanswered = 0;
    if (typeof outcome === 'number') expect(copies).toHaveLength(2_000);
    else {
      expect(outcome).toBeInstanceOf(RequeueStoppedError);
      expect(outcome).toMatchObject({ requeued: reported.length });
      const message = outcome instanceof Error ? outcome.message : '';
      expect(message).toMatch(
        new RegExp(
          `stopped after ${reported.length} requeued( \\(and up to \\d+ more, whose replies were lost\\))?: .*may have run`,
        ),
      );
      unanswered = Number(/up to (\d+) more/.exec(message)?.[1] ?? 0);
    }
    expect(copies.length - reported.length).toBeGreaterThanOrEqual(0);
    expect(copies.length - reported.length).toBeLessThanOrEqual(unanswered);
    const back = copies.map((copy) => copy.fields.requeued_from);
    const still = left.map((letter) => letter.originalId);
    expect(new Set([...back, ...still]).size).toBe(4_000);
    expect(back.length + still.length).toBe(4_000);
  });

  it('a bare millisecond names the letter at sequence 0, as XDEL reads it: never requeued twice, nor paged after', async () => {
    const { stream, deadLetters } = setUp();
    // A letter whose millisecond has no sequence 0 (the letter before it there was requeued or discarded).
    const letter = [
      'dlq_original_id',
      '1-0',
      'dlq_group',
      'g',
      'dlq_consumer',
      'w',
      'dlq_delivery_count',
      '5',
    ];
    await redisSuite.redis.call('XADD', deadLetters.key, '1795695724259-1', ...letter, 'type', 'order.paid');
    expect(await deadLetters.requeue('1795695724259')).toBeNull();
    expect(await deadLetters.requeue('1795695724259')).toBeNull();
    expect(await stream.length()).toBe(0);
    // Older than 1795695724259-0: not the letter after it.
    expect(await deadLetters.newest(10, '1795695724259')).toEqual([]);
    expect(await deadLetters.requeue('1795695724259-1')).toMatchObject({ originalId: '1-0' });
    expect(await stream.length()).toBe(1);
    expect(await deadLetters.length()).toBe(0);
  });

  it('keeps payload fields named like its own (dlq_*, __proto__) as payload, and gives every one back', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const payload = { dlq_reason: 'customer text', dlq_group: 'x', order_id: 'o-1' };
    await stream.produce('order.placed', payload);
    // `__proto__` as a field, the way any producer (or a JSON-parsed payload) can write one.
    await redisSuite.redis.call(
      'XADD',
      stream.streamKey,
      '*',
      'type',
      't',
      'ts_ms',
      '1',
      '__proto__',
      'kept',
      'a',
      'b',
    );
    const entries = await stream.consume('g', 'w', 2, null);
    expect(Object.keys(entries[1]?.fields ?? {})).toEqual(['type', 'ts_ms', '__proto__', 'a']);
    await letterAll(deadLetters, entries, 'handler kept failing');
    const [proto, named] = await deadLetters.newest();
    expect(named).toMatchObject({ group: 'g', reason: 'handler kept failing', fields: payload });
    expect(Object.getOwnPropertyDescriptor(proto?.fields, '__proto__')?.value).toBe('kept');
    for (const letter of [named, proto]) {
      const requeued = await deadLetters.requeue(letter?.id ?? '');
      const [copy] = await stream.replay(requeued?.requeuedAs, requeued?.requeuedAs, 1);
      const { ts_ms: _fresh, requeued_from: _from, ...kept } = copy?.fields ?? { requeued_from: '' };
      const { ts_ms: _old, ...before } = letter?.fields ?? {};
      expect(Object.entries(kept)).toEqual(Object.entries(before));
    }
  });

  it('refuses to requeue a letter with no payload (trimmed unread), and keeps it', async () => {
    const { stream, deadLetters } = setUp();
    const id = await stream.produce('order.placed', {});
    const letterId = await deadLetters.send(id, {
      group: 'g',
      consumer: 'w',
      deliveryCount: 1,
      reason: 'trimmed',
      fields: null,
    });
    await expect(deadLetters.requeue(letterId ?? '')).rejects.toThrow(NothingToRequeueError);
    await expect(deadLetters.requeue(letterId ?? '')).rejects.toThrow(
      /no original fields.*discard it instead/,
    );
    expect(await deadLetters.length()).toBe(1);
  });

  it('an entry with more fields than a script can spread is still dead-lettered and acked, and shown whole; requeue refuses it', async () => {
    const { stream, deadLetters } = setUp(0);
    await stream.ensureGroup('g', '0-0');
    // Written by another producer: produce() has no bound on fields, produceBatch refuses this many.
    const payload = Object.fromEntries(Array.from({ length: 5_000 }, (_, n) => [`f${n}`, `v${n}`]));
    const id = await stream.produce('order.wide', payload);
    const worker = startWorker(stream, 'g', 'w', {
      blockMs: 50,
      maxDeliveries: 2,
      deadLetters,
      reapIntervalMs: 100,
      handler: async () => {
        throw new Error('poison');
      },
    });
    const errors: string[] = [];
    worker.on('error', (event) => errors.push(event.error.message));
    await worker.start();
    await waitFor('the wide entry in the DLQ', async () => (await deadLetters.length()) === 1);
    expect((await stream.pendingSummary('g')).count).toBe(0);
    const [letter] = await deadLetters.newest(1);
    expect(letter).toMatchObject({ originalId: id, group: 'g', deliveryCount: 2 });
    expect(Object.keys(letter?.fields ?? {})).toHaveLength(5_002);
    expect(letter?.fields).toMatchObject({ type: 'order.wide', f0: 'v0', f4999: 'v4999' });
    expect(errors).toEqual([]);
    const refusal = deadLetters.requeue(letter?.id ?? '');
    await expect(refusal).rejects.toThrow(RequeueRefusedError);
    await expect(refusal).rejects.toThrow(
      /more than 3,902 fields, more than a script can append in one step/,
    );
    expect(await deadLetters.length()).toBe(1);
  });

  it('a foreign entry whose one field is named dlq_fields_json but holds no JSON is payload, and requeues', async () => {
    const { stream, deadLetters } = setUp();
    const id = String(
      await redisSuite.redis.call('XADD', stream.streamKey, '*', 'dlq_fields_json', 'not json'),
    );
    const letterId = await deadLetters.send(id, {
      group: 'g',
      consumer: 'w',
      deliveryCount: 5,
      reason: 'test',
      fields: { dlq_fields_json: 'not json' } as never,
      stillPending: false,
    });
    const [letter] = await deadLetters.newest(1);
    expect(letter?.fields).toEqual({ dlq_fields_json: 'not json' });
    expect(await deadLetters.requeue(letterId ?? '')).toMatchObject({ originalId: id });
  });

  it('reads a letter another client wrote with text for its time, count and original ID, and requeues it', async () => {
    const { stream, deadLetters } = setUp();
    const letterId = String(
      await redisSuite.redis.call(
        ...['XADD', deadLetters.key, '*', 'dlq_original_id', 'garbage', 'dlq_group', 'g'],
        ...['dlq_delivery_count', 'many', 'dlq_ts_ms', 'notanumber', 'type', 'order.paid'],
      ),
    );
    // Not NaN, which JSON makes null where a number is promised: the letter's own ID gives its time.
    const expected = {
      id: letterId,
      originalId: 'garbage',
      deliveryCount: null,
      ts: entryIdTime(letterId),
      fields: { type: 'order.paid' },
    };
    expect((await deadLetters.newest(1))[0]).toMatchObject(expected);
    const bounds = { fields: 10, chars: 100, bytes: 64 * 1024, readBytes: 1 << 20 };
    expect((await deadLetters.newestBounded(1, bounds)).entries[0]).toMatchObject(expected);
    // Done, it says so: no other letters of an original that is no stream ID to look up afterwards.
    const requeued = await deadLetters.requeue(letterId);
    expect(requeued).toMatchObject({ originalId: 'garbage', merged: 0 });
    expect(await deadLetters.length()).toBe(0);
    expect(await stream.tail(1)).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ requeued_from: 'garbage' }) }),
    ]);
  });

  it('a copy requeued again still names the first original in requeued_from', async () => {
    const { stream, deadLetters } = setUp();
    await stream.ensureGroup('g', '0-0');
    const original = await stream.produce('order.placed', { order_id: 'o-1' });
    let id = original;
    for (let round = 0; round < 2; round++) {
      const [entry] = await stream.consume('g', 'w', 10, null);
      expect(entry?.id).toBe(id);
      const letter = await deadLetters.send(id, {
        group: 'g',
        consumer: 'w',
        deliveryCount: 5,
        reason: 'x',
        fields: entry?.fields ?? null,
      });
      id = (await deadLetters.requeue(letter ?? ''))?.requeuedAs ?? '';
      const [copy] = await stream.replay(id, id, 1);
      expect(copy?.fields).toMatchObject({ order_id: 'o-1', requeued_from: original });
      // Once, not once per requeue: as Redis holds it, not as a record (which would hide a repeat).
      const [raw] = (await redisSuite.redis.call('XRANGE', stream.streamKey, id, id)) as [string, string[]][];
      expect(raw?.[1].filter((name) => name === 'requeued_from')).toHaveLength(1);
    }
  });

  it("fails with the library's errors: a missing group is GroupNotFoundError, a DLQ key of another type a StreamError", async () => {
    const { stream, deadLetters } = setUp();
    const id = await stream.produce('order.placed', {});
    const sending = deadLetters.send(id, {
      group: 'ghost',
      consumer: 'w',
      deliveryCount: 5,
      reason: 'x',
      fields: { type: 'order.placed', ts_ms: '1' },
    });
    await expect(sending).rejects.toThrow(GroupNotFoundError);
    await expect(sending).rejects.toThrow(/^dead-letter write: NOGROUP[^@]*$/);
    await redisSuite.redis.set(deadLetters.key, 'not a stream');
    await expect(deadLetters.length()).rejects.toThrow(StreamError);
    await expect(deadLetters.newest()).rejects.toThrow(/XREVRANGE \(dead letters\) failed: WRONGTYPE/);
  });

  it('keeps the dead-letter stream near its cap, dropping the oldest letters first', async () => {
    const { stream } = setUp();
    const capped = new DeadLetters(stream, `${stream.streamKey}:capped-dlq`, { maxlenApprox: 100 });
    redisSuite.afterThisTest(() => capped.clear());
    const first = await stream.produce('order.placed', {});
    const info = {
      group: 'g',
      consumer: 'w',
      deliveryCount: 5,
      reason: 'x',
      fields: null,
      stillPending: false,
    };
    for (let n = 0; n < 500; n++) await capped.send(first, info);
    // MAXLEN ~ frees whole macro-nodes (100 entries here): at least the cap, never far beyond it.
    expect(await capped.length()).toBeGreaterThanOrEqual(100);
    expect(await capped.length()).toBeLessThanOrEqual(200);
    expect(capped.count).toBe(500);
    expect(() => new DeadLetters(stream, 'x', { maxlenApprox: 0 })).toThrow(
      /maxlenApprox must be an integer >= 1/,
    );
  });
});

describe("another producer's entries", () => {
  it('without type and ts_ms are read, dead-lettered and requeued with the fields they have, not two more', async () => {
    const { stream, deadLetters } = setUp();
    await stream.redis.xadd(stream.streamKey, '*', 'order_id', 'o-1', 'amount', '5');
    await stream.ensureGroup('g', '0-0');
    const failing = startWorker(stream, 'g', 'w', {
      handler: () => {
        throw new Error('boom');
      },
      deadLetters,
      maxDeliveries: 2,
    });
    const [entry] = await stream.replay('-', '+', 1);
    expect(entry?.fields.type).toBe('');
    expect(Object.keys(entry?.fields ?? {})).toEqual(['order_id', 'amount']);
    expect(JSON.parse(JSON.stringify(entry?.fields))).toEqual({ order_id: 'o-1', amount: '5' });
    await failing.start();
    await waitFor('the entry to be dead-lettered', async () => {
      await failing.reapIdlePel();
      return (await deadLetters.length()) === 1;
    });
    await failing.close();
    const [letter] = await deadLetters.newest(1);
    expect(letter?.fields).toEqual({ order_id: 'o-1', amount: '5' });
    const requeued = await deadLetters.requeue(letter?.id ?? '');
    const raw = await stream.redis.xrange(stream.streamKey, requeued?.requeuedAs ?? '', '+');
    expect(raw[0]?.[1]).toEqual(['order_id', 'o-1', 'amount', '5', 'requeued_from', entry?.id]);
  });
});

describe("another producer's entry without type and ts_ms", () => {
  it('takes them as the handler sets them, as own fields it then has', async () => {
    const { stream } = setUp();
    await stream.redis.xadd(stream.streamKey, '*', 'order_id', 'o-1');
    const [entry] = await stream.replay('-', '+', 1);
    if (!entry) throw new Error('no entry');
    // A JavaScript handler normalising what another producer left out (the types say read-only; the runtime lets
    // it set any field the entry has): this one threw, a read-only property, in strict code.
    const fields = entry.fields as Record<string, string>;
    fields.type = 'order.created';
    expect(fields.type).toBe('order.created');
    expect({ ...fields }).toEqual({ order_id: 'o-1', type: 'order.created' });
    expect(delete fields.ts_ms).toBe(true);
    expect(fields.ts_ms).toBeUndefined();
  });
});

describe('requeue into a capped stream, paced by the room its groups leave', () => {
  /** A stream capped at `maxlenApprox`, and its DLQ holding `count` letters (of `1-0`, `2-0`…), oldest first. */
  async function lettersFor(maxlenApprox: number | null, count: number) {
    const stream = new EventStream({
      connection: redisSuite.redis,
      streamKey: uniqueStreamKey('room'),
      maxlenApprox,
    });
    const deadLetters = new DeadLetters(stream);
    redisSuite.afterThisTest(() => redisSuite.redis.del(stream.streamKey, deadLetters.key));
    const writes = redisSuite.redis.pipeline();
    for (let n = 1; n <= count; n++) {
      const payload = ['type', 'order.paid', 'ts_ms', '1', 'order_id', `o-${n}`];
      writes.xadd(deadLetters.key, '*', 'dlq_original_id', `${n}-0`, 'dlq_reason', 'x', ...payload);
    }
    return { stream, deadLetters, through: String((await writes.exec())?.at(-1)?.[1]) };
  }

  /** Every letter is either still in the DLQ or a copy in the stream, once: nothing was lost, nothing doubled. */
  async function expectNothingLost(stream: EventStream, deadLetters: DeadLetters, count: number) {
    const copies = (await stream.replay('-', '+', 10_000)).flatMap((entry) =>
      entry.fields.requeued_from ? [entry.fields.requeued_from] : [],
    );
    const still = (await deadLetters.newest(10_000)).map((letter) => letter.originalId);
    expect(copies.length + still.length).toBe(count);
    expect(new Set([...copies, ...still]).size).toBe(count);
  }

  it('requeues only what fits beside what a group has not read, waits, then stops and says why: nothing is trimmed unread', async () => {
    const { stream, deadLetters, through } = await lettersFor(50, 120);
    await stream.ensureGroup('analytics', '0-0');
    const originals = await stream.produceBatch(Array.from({ length: 20 }, () => ({ type: 'order.placed' })));
    // Caught up with those: only the copies are for it.
    await stream.ensureGroup('notifications', '$');
    const started = performance.now();
    const result = await deadLetters.requeueThrough(through, { roomWaitMs: 200, roomPollMs: 20 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(result).toMatchObject({
      requeued: 30,
      skipped: 0,
      more: false,
      stoppedForRoom: { maxlen: 50, group: 'analytics', left: 90 },
    });
    expect(result.stoppedForRoom?.waitedMs).toBeGreaterThanOrEqual(190);
    // Every entry analytics had not read is still there for it: its 20 and the 30 copies.
    const read = await stream.consume('analytics', 'c', 1_000, 10);
    expect(read.map((entry) => entry.id).slice(0, 20)).toEqual(originals);
    expect(read).toHaveLength(50);
    await expectNothingLost(stream, deadLetters, 120);
    // The copies notifications was sent are there for it too; and a second call without room takes none.
    expect(await stream.consume('notifications', 'c', 1_000, 10)).toHaveLength(30);
    expect(await deadLetters.requeueThrough(through, { roomWaitMs: 0 })).toMatchObject({
      requeued: 0,
      stoppedForRoom: { group: 'analytics', waitedMs: 0, left: 90 },
    });
  });

  it('with a group reading meanwhile, requeues every letter, as fast as the group makes room, and the group gets each', async () => {
    const { stream, deadLetters, through } = await lettersFor(50, 300);
    await stream.ensureGroup('g', '0-0');
    const received = new Set<string>();
    const worker = startWorker(stream, 'g', 'reader', {
      blockMs: 20,
      count: 10,
      handler: async (entry) => {
        received.add(entry.fields.requeued_from ?? '');
      },
    });
    await worker.start();
    const result = await deadLetters.requeueThrough(through, { roomWaitMs: 20_000, roomPollMs: 5 });
    expect(result).toMatchObject({ requeued: 300, skipped: 0, more: false, stoppedForRoom: null });
    await waitFor('every copy handled', () => received.size === 300);
    expect(await deadLetters.length()).toBe(0);
  });

  it('takes every letter into a stream without groups, or an uncapped one, however far behind its groups are', async () => {
    const ungrouped = await lettersFor(50, 120);
    expect(await ungrouped.deadLetters.requeueThrough(ungrouped.through, { roomWaitMs: 0 })).toMatchObject({
      requeued: 120,
      stoppedForRoom: null,
    });
    const uncapped = await lettersFor(null, 120);
    await uncapped.stream.ensureGroup('g', '0-0');
    expect(await uncapped.deadLetters.requeueThrough(uncapped.through, { roomWaitMs: 0 })).toMatchObject({
      requeued: 120,
      stoppedForRoom: null,
    });
    expect(await uncapped.stream.length()).toBe(120);
  });

  it('letters that append nothing go by without room, counted as skipped; the first that would append stops it', async () => {
    const { stream, deadLetters } = await lettersFor(50, 0);
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 50 }, () => ({ type: 'order.placed' })));
    const letter = (n: number, fields: EventFields | null) =>
      deadLetters.send(`${n}-0`, {
        group: 'g',
        consumer: 'w',
        deliveryCount: null,
        reason: 'x',
        fields,
        stillPending: false,
      });
    const trimmed = await letter(1, null);
    await letter(2, { type: 'order.paid', ts_ms: '1' });
    const through = await letter(3, { type: 'order.paid', ts_ms: '1' });
    expect(await deadLetters.requeueThrough(through ?? '', { roomWaitMs: 0 })).toMatchObject({
      requeued: 0,
      skipped: 1,
      skippedLetters: [{ id: trimmed, originalId: '1-0', reason: 'trimmed' }],
      stoppedForRoom: { group: 'g', left: 2 },
    });
    expect(await stream.length()).toBe(50);
  });

  it('a single requeue into a stream with no room refuses, and the letter stays; one that appends nothing is answered as ever', async () => {
    const { stream, deadLetters, through } = await lettersFor(50, 1);
    await stream.ensureGroup('analytics', '0-0');
    await stream.produceBatch(Array.from({ length: 50 }, () => ({ type: 'order.placed' })));
    const refusal = deadLetters.requeue(through);
    await expect(refusal).rejects.toThrow(NoRoomError);
    await expect(refusal).rejects.toThrow(
      /dead letter .* \(of 1-0\) stays: the stream .* \(MAXLEN ~ 50\) has no room until group analytics catches up: it has 50 or more entries yet to read or ack/,
    );
    await expect(refusal).rejects.toMatchObject({ maxlen: 50, group: 'analytics' });
    expect(await deadLetters.length()).toBe(1);
    expect(await deadLetters.requeue('1-1')).toBeNull();
    // Read by its group, the stream has room again.
    await stream.ack(
      'analytics',
      (await stream.consume('analytics', 'c', 10, 10)).map((entry) => entry.id),
    );
    expect(await deadLetters.requeue(through)).toMatchObject({ originalId: '1-0' });
  });

  it('an entry’s other letter past where a requeue-all stopped (its limit, an abort) or past `through` goes with it: never put back twice', async () => {
    const { stream, deadLetters } = await lettersFor(null, 0);
    const send = (n: number, group: string) =>
      letterOfPill(deadLetters, `${n}-0`, group, { order_id: `o-${n}` });
    await send(1, 'notifications');
    for (let n = 2; n <= 5; n++) await send(n, 'notifications');
    const last = await send(1, 'analytics');
    // Stopped at its limit after two letters: entry 1's other letter, unread, went all the same.
    expect(await deadLetters.requeueThrough(last ?? '', { limit: 2 })).toMatchObject({
      requeued: 2,
      merged: 1,
      more: true,
    });
    expect(await deadLetters.requeueThrough(last ?? '')).toMatchObject({ requeued: 3, merged: 0 });
    // `through` before entry 6's other letter: that one goes too, as a single requeue's would.
    const sixth = await send(6, 'notifications');
    await send(6, 'analytics');
    expect(await deadLetters.requeueThrough(sixth ?? '')).toMatchObject({ requeued: 1, merged: 1 });
    // Aborted after its first page: entry 7's other letter, on a later page, went all the same.
    await send(7, 'notifications');
    for (let n = 8; n <= 120; n++) await send(n, 'notifications');
    const seventh = await send(7, 'analytics');
    const stop = new AbortController();
    const stopped = await deadLetters
      .requeueThrough(seventh ?? '', { onRequeued: () => stop.abort(new Error('stop')), signal: stop.signal })
      .catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(RequeueStoppedError);
    expect(await deadLetters.lettersOf('7-0')).toMatchObject({ letters: [] });
    expect(await redisSuite.redis.exists(deadLetters.marksKey)).toBe(0);
    await deadLetters.requeueThrough(seventh ?? '');
    const copies = (await stream.replay('-', '+', 1_000)).map((copy) => copy.fields.requeued_from);
    expect(copies).toHaveLength(120);
    expect(new Set(copies).size).toBe(120);
  });

  it('a letter of an entry already back is discarded though the stream has no room: it appends nothing', async () => {
    const { stream, deadLetters } = await lettersFor(50, 0);
    await letterOfPill(deadLetters, '1-0', 'notifications', { order_id: 'o-1' });
    const other = await letterOfPill(deadLetters, '1-0', 'analytics', { order_id: 'o-1' });
    // Marked as back by a requeue cut off before it discarded the other letter; then the stream fills up.
    await redisSuite.redis.hset(deadLetters.marksKey, '1-0', '9-0');
    await stream.ensureGroup('analytics', '0-0');
    await stream.produceBatch(Array.from({ length: 50 }, () => ({ type: 'order.placed' })));
    expect(await deadLetters.requeue(other ?? '')).toMatchObject({ alreadyBack: true, requeuedAs: '9-0' });
    expect(await stream.length()).toBe(50);
  });

  it('letters of an entry already back take no room: discarded without a wait, never counted as left or as more', async () => {
    const { stream, deadLetters } = await lettersFor(50, 0);
    await stream.ensureGroup('g', '0-0');
    // Room for one: two letters of one entry need no more, the second being only discarded.
    await stream.produceBatch(Array.from({ length: 49 }, () => ({ type: 'order.placed' })));
    await letterOfPill(deadLetters, '1-0', 'notifications', { order_id: 'o-1' });
    const last = await letterOfPill(deadLetters, '1-0', 'analytics', { order_id: 'o-1' });
    const started = performance.now();
    expect(await deadLetters.requeueThrough(last ?? '', { roomWaitMs: 5_000 })).toMatchObject({
      requeued: 1,
      merged: 1,
      more: false,
      stoppedForRoom: null,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    // No room now: a letter of an entry marked as back (a requeue cut off) is discarded all the same.
    await letterOfPill(deadLetters, '2-0', 'notifications', { order_id: 'o-2' });
    const marked = await letterOfPill(deadLetters, '2-0', 'analytics', { order_id: 'o-2' });
    await redisSuite.redis.hset(deadLetters.marksKey, '2-0', '9-0');
    expect(await deadLetters.requeueThrough(marked ?? '', { roomWaitMs: 0 })).toMatchObject({
      requeued: 0,
      merged: 2,
      stoppedForRoom: null,
    });
    expect(await deadLetters.length()).toBe(0);
    // Stopped for room with entry 3's other letter still unread: that one went with it, so one letter is left.
    await stream.ack(
      'g',
      (await stream.consume('g', 'c', 1, 10)).map((entry) => entry.id),
    );
    await letterOfPill(deadLetters, '3-0', 'notifications', { order_id: 'o-3' });
    await letterOfPill(deadLetters, '4-0', 'notifications', { order_id: 'o-4' });
    const through = await letterOfPill(deadLetters, '3-0', 'analytics', { order_id: 'o-3' });
    expect(await deadLetters.requeueThrough(through ?? '', { roomWaitMs: 0 })).toMatchObject({
      requeued: 1,
      merged: 1,
      stoppedForRoom: { group: 'g', left: 1 },
    });
    expect((await deadLetters.newest()).map((letter) => letter.originalId)).toEqual(['4-0']);
    // At its limit with only entry 5's other letter unread, which went with it: none remain.
    await deadLetters.clear();
    const uncapped = await lettersFor(null, 0);
    await letterOfPill(uncapped.deadLetters, '5-0', 'notifications', { order_id: 'o-5' });
    const fifth = await letterOfPill(uncapped.deadLetters, '5-0', 'analytics', { order_id: 'o-5' });
    expect(await uncapped.deadLetters.requeueThrough(fifth ?? '', { limit: 1 })).toMatchObject({
      requeued: 1,
      merged: 1,
      more: false,
    });
  });

  it('an abort ends its wait for room at once, saying how many went back', async () => {
    const { stream, deadLetters, through } = await lettersFor(50, 120);
    await stream.ensureGroup('g', '0-0');
    const stop = new AbortController();
    const started = performance.now();
    const requeueing = deadLetters.requeueThrough(through, { roomWaitMs: 60_000, signal: stop.signal });
    await waitFor('the stream full', async () => (await stream.length()) >= 50);
    stop.abort(new Error('the server is shutting down'));
    const outcome = await requeueing.catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(outcome).toBeInstanceOf(RequeueStoppedError);
    expect(outcome).toMatchObject({ requeued: 50, unanswered: 0 });
    expect(String(outcome)).toMatch(/stopped after 50 requeued: the server is shutting down/);
    await expectNothingLost(stream, deadLetters, 120);
    // Aborted before it starts, it does nothing.
    await expect(deadLetters.requeueThrough(through, { signal: stop.signal })).rejects.toThrow(
      /stopped after 0 requeued: the server is shutting down/,
    );
  });
});
