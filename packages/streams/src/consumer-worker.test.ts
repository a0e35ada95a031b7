import {
  ConsumerInUseError,
  ConsumerWorker,
  type ConsumerWorkerOptions,
  EventStream,
  type LifecycleEvent,
  type StreamEntry,
  WorkerClosedError,
} from '@streamscope/streams';
import {
  captureWarnings,
  uniqueStreamKey,
  untilClientBlocked,
  usePrivateRedis,
  waitFor,
} from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { workerConnectionName } from './worker-connections.js';

const redisSuite = usePrivateRedis();

async function newStream(claimMinIdleMs = 100): Promise<EventStream> {
  const stream = new EventStream({
    connection: redisSuite.redis,
    streamKey: uniqueStreamKey(),
    claimMinIdleMs,
  });
  redisSuite.afterThisTest(() => stream.deleteStream());
  await stream.ensureGroup('g', '0-0');
  return stream;
}

/** A started worker that records every lifecycle event it emits. */
async function startWorker(
  stream: EventStream,
  name: string,
  options: ConsumerWorkerOptions = {},
  group = 'g',
) {
  const worker = new ConsumerWorker(stream, group, name, { blockMs: 100, ...options });
  const events: LifecycleEvent[] = [];
  for (const kind of ['delivered', 'acked', 'dropped', 'failed', 'claimed', 'deleted'] as const) {
    worker.on(kind, (event) => events.push(event));
  }
  redisSuite.afterThisTest(() => worker.close());
  await worker.start();
  return {
    worker,
    events,
    of: (kind: LifecycleEvent['kind']) => events.filter((event) => event.kind === kind),
  };
}

/**
 * Waits until the worker is blocked reading new entries, its start-up drain of its own PEL behind it: a reap
 * begun earlier races that drain, which re-reads (as its own PEL) what the reap has just claimed.
 */
async function untilBlockedOnNew(stream: EventStream, worker: ConsumerWorker): Promise<void> {
  await untilClientBlocked(
    redisSuite.redis,
    workerConnectionName(stream.streamKey, worker.group, worker.name),
  );
}

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'order.placed', payload: { n: i } }));

describe('ConsumerWorker', () => {
  it('runs the handler on every entry, acks each read batch with one XACK, and emits each step', async () => {
    const stream = await newStream();
    const ids = await stream.produceBatch(events(100));
    const monitor = await redisSuite.redis.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[1] === stream.streamKey) commands.push(String(args[0]).toUpperCase());
    });
    const seen: string[] = [];
    const { worker, of } = await startWorker(stream, 'w', {
      count: 50,
      handler: (entry, context) => {
        expect(context).toEqual({
          streamKey: stream.streamKey,
          group: 'g',
          consumer: 'w',
          deliveryCount: 1,
          source: 'new',
          signal: expect.any(AbortSignal),
        });
        expect(context.signal.aborted).toBe(false);
        seen.push(entry.id);
      },
    });
    await waitFor('all acked', () => of('acked').length === 100);
    // MONITOR's feed comes on a connection of its own, read a moment after the worker's replies: a command
    // sent now and seen there means every XACK before it has been seen too.
    await stream.length();
    await waitFor('the monitor to see XLEN', () => commands.includes('XLEN'));
    monitor.disconnect();
    expect(seen).toEqual(ids);
    expect(commands.filter((command) => command === 'XACK')).toHaveLength(2);
    expect(of('delivered').map((event) => event.id)).toEqual(ids);
    expect(of('acked')[0]).toMatchObject({
      kind: 'acked',
      id: ids[0],
      group: 'g',
      consumer: 'w',
      deliveryCount: 1,
    });
    expect(of('acked')[0]?.ts).toBeGreaterThan(0);
    expect((await stream.pendingSummary('g')).count).toBe(0);
    expect(worker.status()).toMatchObject({ processed: 100, failures: 0, state: 'running', alive: true });
    expect(stream.stats().acked).toBe(100);
  });

  it('never acks an entry before its handler finished', async () => {
    const stream = await newStream();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { of } = await startWorker(stream, 'w', { handler: () => gate });
    await stream.produce('slow');
    await waitFor('delivery', () => of('delivered').length === 1);
    expect((await stream.pendingSummary('g')).count).toBe(1);
    release();
    await waitFor('ack', () => of('acked').length === 1);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('a batch whose group is deleted under its handler is told handled but not acked: XACK removed none of it', async () => {
    const stream = await newStream();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { worker, of } = await startWorker(stream, 'w', { handler: () => gate });
    // Its next read meets NOGROUP, which it reports as errors do.
    worker.on('error', () => {});
    await stream.produceBatch(events(3));
    // One read of three, the first of them in its handler.
    await waitFor('the batch in hand', () => of('delivered').length === 1);
    await stream.deleteGroup('g');
    const ackedBefore = stream.stats().acked;
    release();
    await waitFor('the batch settled', () => of('deleted').length === 3);
    expect(of('acked')).toEqual([]);
    expect(of('deleted')[0]?.reason).toMatch(/no longer pending when acked/);
    expect(stream.stats().acked).toBe(ackedBefore);
    // The work was done: counted as processed, not as acked.
    expect(worker.status().processed).toBe(3);
  });

  it('its own reaper never runs an entry the worker is already handling, even with a claim threshold of 0', async () => {
    const stream = await newStream(0);
    const runs = new Map<string, number>();
    const { worker } = await startWorker(stream, 'w', {
      reapIntervalMs: 5,
      handler: async (entry) => {
        runs.set(entry.id, (runs.get(entry.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    const ids = await stream.produceBatch(events(300));
    // The worker's own count of acks, not Redis's empty PEL: it counts a batch once its XACK has answered,
    // a moment after another connection already sees the PEL empty.
    await waitFor('all acked', () => worker.status().processed >= ids.length, { timeoutMs: 20_000 });
    expect([...runs.values()].filter((count) => count > 1)).toEqual([]);
    expect(runs.size).toBe(300);
    expect(worker.status().processed).toBe(ids.length);
    expect((await stream.infoGroups())[0]?.pending).toBe(0);
  });

  it('takes again, after its group is rewound, the entries it had just acked (XGROUP SETID back)', async () => {
    const stream = await newStream();
    const seen: string[] = [];
    // A long block: the read that left with the batch's XACK is still out when the cursor moves back.
    const { worker, of } = await startWorker(stream, 'w', {
      blockMs: 60_000,
      handler: (entry) => {
        seen.push(entry.id);
      },
    });
    const ids = await stream.produceBatch(events(3));
    await waitFor('three acked', () => of('acked').length === 3);
    await untilBlockedOnNew(stream, worker);
    await stream.setGroupId('g', '0-0');
    const [next] = await stream.produceBatch(events(1));
    await waitFor('the fourth acked', () => of('acked').some((event) => event.id === next));
    // Handed out again by XREADGROUP >, they were pending anew: left out as "acked already", they stayed so.
    await waitFor('nothing pending', async () => (await stream.pendingSummary('g')).count === 0);
    expect(seen).toEqual([...ids, ...ids, next]);
  });

  it('a handler that says an entry is a duplicate has it acked, counted apart from the processed ones', async () => {
    const stream = await newStream();
    const done = new Set<string>();
    const { worker, of } = await startWorker(stream, 'w', {
      // An idempotency guard of the simplest kind: what it saw once is a duplicate the next time.
      handler: async (entry) => {
        if (done.has(entry.id)) return 'duplicate';
        done.add(entry.id);
      },
    });
    const ids = await stream.produceBatch(events(2));
    await waitFor('two acked', () => of('acked').length === 2);
    await untilBlockedOnNew(stream, worker);
    // Moved back over them, the group delivers both again: the handler finds them done.
    await stream.setGroupId('g', '0-0');
    const [third] = await stream.produceBatch(events(1));
    await waitFor('all acked', () => of('acked').some((event) => event.id === third));
    expect(worker.status()).toMatchObject({ processed: 3, duplicates: 2 });
    // Listeners tell them apart by the acked event's reason.
    expect(of('acked').filter((event) => event.reason !== null)).toEqual([
      expect.objectContaining({ id: ids[0], reason: 'duplicate: its handler found it handled already' }),
      expect.objectContaining({ id: ids[1], reason: 'duplicate: its handler found it handled already' }),
    ]);
    expect(worker.recent().map(({ id, outcome }) => [id, outcome])).toEqual([
      [ids[0], 'acked'],
      [ids[1], 'acked'],
      [ids[0], 'duplicate'],
      [ids[1], 'duplicate'],
      [third, 'acked'],
    ]);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('a handler that returns something else has its entry acked as processed, the value ignored', async () => {
    const stream = await newStream();
    // Typed as a handler without braces or a cast: what an email client's send returns, say.
    const { worker, of } = await startWorker(stream, 'w', {
      handler: async (entry) => ({ messageId: `m-${entry.id}` }),
    });
    await stream.produceBatch(events(2));
    await waitFor('two acked', () => of('acked').length === 2);
    expect(worker.status()).toMatchObject({ processed: 2, duplicates: 0 });
  });

  it('a throwing handler leaves the entry pending and counts a failure', async () => {
    const stream = await newStream();
    const { worker, of } = await startWorker(stream, 'w', {
      handler: (entry) => {
        if (entry.fields.type === 'poison') throw new Error('cannot parse amount');
      },
    });
    const [poison] = await stream.produceBatch([{ type: 'poison' }, { type: 'fine' }]);
    await waitFor('fine acked', () => of('acked').length === 1);
    expect(of('failed')).toEqual([expect.objectContaining({ id: poison, reason: 'cannot parse amount' })]);
    expect((await stream.pendingDetail('g')).map((row) => row.id)).toEqual([poison]);
    expect(worker.status().failures).toBe(1);
    expect(worker.recent().map((outcome) => outcome.outcome)).toEqual(['failed', 'acked']);
  });

  it('a handler that throws something other than an Error, or an Error without a message, says what it threw', async () => {
    const stream = await newStream();
    const thrown: Record<string, unknown> = {
      object: { code: 42, why: 'bad amount' },
      bare: new TypeError(),
      text: 'amount missing',
      nothing: undefined,
    };
    const { of } = await startWorker(stream, 'w', {
      handler: (entry) => {
        throw thrown[entry.fields.type];
      },
    });
    await stream.produceBatch(Object.keys(thrown).map((type) => ({ type })));
    await waitFor('every entry failed', () => of('failed').length === 4);
    // String() made the first "[object Object]", and the second no reason at all.
    expect(of('failed').map((event) => event.reason)).toEqual([
      "{ code: 42, why: 'bad amount' }",
      'TypeError',
      'amount missing',
      'undefined',
    ]);
  });

  it('two workers in one group split the entries, each processed once', async () => {
    const stream = await newStream();
    const a = await startWorker(stream, 'a', { count: 5, processLatencyMs: 1 });
    const b = await startWorker(stream, 'b', { count: 5, processLatencyMs: 1 });
    const ids = await stream.produceBatch(events(200));
    await waitFor('all acked', () => a.of('acked').length + b.of('acked').length === 200);
    expect(a.of('acked').length).toBeGreaterThan(0);
    expect(b.of('acked').length).toBeGreaterThan(0);
    const acked = [...a.of('acked'), ...b.of('acked')].map((event) => event.id).sort();
    expect(acked).toEqual([...ids].sort());
  });

  it('claimEntry takes one dropped entry from a peer, handles and acks it; a peer still handling one keeps it', async () => {
    const stream = await newStream(200);
    const a = await startWorker(stream, 'a');
    const b = await startWorker(stream, 'b');
    await b.worker.pause();
    a.worker.crashNext(2);
    const ids = await stream.produceBatch(events(2));
    await waitFor('a dropped both', () => a.of('dropped').length === 2);
    const [first = '', second = ''] = ids;
    expect(await b.worker.claimEntry(first)).toMatchObject({ claimed: false, reason: 'idle' });
    await waitFor(
      'idle past the threshold',
      async () => (await stream.pendingDetail('g', { minIdleMs: 200 })).length === 2,
    );
    // Paused, it still takes the one asked for, as a reap by hand does.
    expect(await b.worker.claimEntry(first)).toEqual({
      claimed: true,
      id: first,
      from: 'a',
      deliveryCount: 2,
      processed: true,
      deadLettered: false,
    });
    expect(b.of('claimed').map((event) => [event.id, event.deliveryCount, event.reason])).toEqual([
      [first, 2, 'from a'],
    ]);
    expect(b.of('acked').map((event) => event.id)).toEqual([first]);
    expect(b.worker.status().reaped).toBe(1);
    // Only that one: the other stays with a.
    expect((await stream.pendingDetail('g')).map((row) => [row.id, row.consumer])).toEqual([[second, 'a']]);

    // An entry a worker of this process is still handling, past the threshold, is not taken from it.
    await a.worker.pause();
    let release = () => {};
    const slow = await startWorker(stream, 'slow', {
      handler: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const [held = ''] = await stream.produceBatch(events(1));
    await waitFor('slow has it in hand', () => slow.of('delivered').some((event) => event.id === held));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await b.worker.claimEntry(held)).toEqual({ claimed: false, reason: 'in-hand', holder: 'slow' });
    release();
    await waitFor('slow acked it', () => slow.of('acked').some((event) => event.id === held));
    expect(await b.worker.claimEntry(held)).toEqual({ claimed: false, reason: 'not-pending' });
  });

  it('two groups each receive every entry', async () => {
    const stream = await newStream();
    await stream.ensureGroup('other', '0-0');
    const g = await startWorker(stream, 'w', {}, 'g');
    const other = await startWorker(stream, 'w', {}, 'other');
    const ids = await stream.produceBatch(events(50));
    await waitFor('both groups done', () => g.of('acked').length === 50 && other.of('acked').length === 50);
    expect(g.of('acked').map((event) => event.id)).toEqual(ids);
    expect(other.of('acked').map((event) => event.id)).toEqual(ids);
  });

  it('crash -> idle -> reap: a peer takes the dropped entries with delivery count 2', async () => {
    const stream = await newStream(200);
    const a = await startWorker(stream, 'a');
    const b = await startWorker(stream, 'b');
    await b.worker.pause();
    a.worker.crashNext(3);
    expect(a.worker.status().crashQueued).toBe(3);
    const ids = await stream.produceBatch(events(5));
    await waitFor('a acked the rest', () => a.of('acked').length === 2);
    expect(a.of('dropped').map((event) => event.id)).toEqual(ids.slice(0, 3));
    expect(a.worker.status()).toMatchObject({ crashedDrops: 3, crashQueued: 0 });
    expect((await b.worker.reapIdlePel()).claimed).toBe(0);
    // The loop must not re-read its own PEL: the dropped entries stay at one delivery and grow idle.
    await waitFor('idle past the threshold', async () => {
      const rows = await stream.pendingDetail('g', { minIdleMs: 200 });
      return rows.length === 3 && rows.every((row) => row.deliveries === 1);
    });
    const result = await b.worker.reapIdlePel();
    expect(result).toEqual({ claimed: 3, processed: 3, deletedIds: [], deadLettered: 0 });
    expect(b.of('claimed').map((event) => [event.id, event.deliveryCount])).toEqual(
      ids.slice(0, 3).map((id) => [id, 2]),
    );
    expect(b.of('acked').map((event) => event.deliveryCount)).toEqual([2, 2, 2]);
    expect((await stream.pendingSummary('g')).count).toBe(0);
    expect(b.worker.status().reaped).toBe(3);
    expect(a.worker.recent().map((outcome) => outcome.outcome)).toEqual([
      'dropped',
      'dropped',
      'dropped',
      'acked',
      'acked',
    ]);
  });

  it('a reap knows the delivery count of every entry it claims, however many of its own lie between them', async () => {
    const stream = await newStream(200);
    // A crashed peer's entry, then 300 of this worker's own, then another of the peer's.
    const [first] = await stream.produceBatch(events(1));
    await stream.consume('g', 'crashed', 1, null);
    await stream.produceBatch(events(300));
    await stream.consume('g', 'w', 300, null);
    const [last] = await stream.produceBatch(events(1));
    await stream.consume('g', 'crashed', 1, null);
    await waitFor('the peer’s entries idle past the threshold', async () => {
      return (await stream.pendingDetail('g', { consumer: 'crashed', minIdleMs: 200 })).length === 2;
    });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let ownInHand = false;
    const claimed: [string, number | null][] = [];
    const { worker } = await startWorker(stream, 'w', {
      count: 300,
      handler: (entry, { source, deliveryCount }) => {
        if (source === 'claim') claimed.push([entry.id, deliveryCount]);
        if (source !== 'own-pel') return;
        // Its own 300, re-read on start, stay in its hands (and fresh) while it reaps.
        ownInHand = true;
        return gate;
      },
    });
    redisSuite.afterThisTest(release);
    await waitFor('its own entries in hand', () => ownInHand);
    expect((await worker.reapIdlePel()).claimed).toBe(2);
    expect(claimed).toEqual([
      [first, 2],
      [last, 2],
    ]);
  });

  it('a reap claims a page at a time and acks each batch as it is handled: what it has not reached stays its holder’s', async () => {
    const stream = await newStream(200);
    const ids = await stream.produceBatch(events(12));
    await stream.consume('g', 'crashed', 12, null);
    await waitFor('idle past the threshold', async () => {
      return (await stream.pendingDetail('g', { minIdleMs: 200 })).length === 12;
    });
    const seen: { id: string; pel: { id: string; consumer: string; deliveries: number }[] }[] = [];
    const { worker } = await startWorker(stream, 'w', {
      count: 2,
      reapPageCount: 4,
      handler: async (entry, { source }) => {
        if (source !== 'claim') return;
        const pel = await stream.pendingDetail('g');
        seen.push({
          id: entry.id,
          pel: pel.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries })),
        });
      },
    });
    await untilBlockedOnNew(stream, worker);
    expect(await worker.reapIdlePel()).toEqual({
      claimed: 12,
      processed: 12,
      deletedIds: [],
      deadLettered: 0,
    });
    expect(seen.map(({ id }) => id)).toEqual(ids);
    // While the first page was handled, the rest were still the crashed consumer's, not yet delivered again:
    // a reap that held them all for the whole of its work left them idle in its own PEL, for peers to take.
    const firstPage = seen[0]?.pel ?? [];
    expect(
      firstPage.filter((row) => row.consumer === 'crashed').map((row) => [row.id, row.deliveries]),
    ).toEqual(ids.slice(4).map((id) => [id, 1]));
    // And a batch handled is acked before the next one is: the fifth entry's handler sees the first four gone.
    expect(seen[4]?.pel.map((row) => row.id)).toEqual(ids.slice(4));
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('a reap paused part-way finishes the page it claimed and claims no other', async () => {
    const stream = await newStream(100);
    const ids = await stream.produceBatch(events(12));
    await stream.consume('g', 'crashed', 12, null);
    await waitFor('idle past the threshold', async () => {
      return (await stream.pendingDetail('g', { minIdleMs: 100 })).length === 12;
    });
    let pausing: Promise<void> | undefined;
    const { worker } = await startWorker(stream, 'w', {
      reapPageCount: 4,
      handler: (_entry, { source }) => {
        if (source === 'claim') pausing ??= worker.pause();
      },
    });
    await untilBlockedOnNew(stream, worker);
    expect(await worker.reapIdlePel()).toMatchObject({ claimed: 4, processed: 4 });
    await pausing;
    const left = await stream.pendingDetail('g');
    expect(left.map((row) => [row.id, row.consumer])).toEqual(ids.slice(4).map((id) => [id, 'crashed']));
    // Asked for while paused, a reap still runs, as before.
    expect(await worker.reapIdlePel()).toMatchObject({ claimed: 8, processed: 8 });
  });

  it('close stops a long reap after the batch in hand: everything handled is acked, the rest stays pending', async () => {
    const stream = await newStream(50);
    const ids = await stream.produceBatch(events(40));
    await stream.consume('g', 'crashed', 40, null);
    await waitFor('idle past the threshold', async () => {
      return (await stream.pendingDetail('g', { minIdleMs: 50 })).length === 40;
    });
    const handled: string[] = [];
    const { worker } = await startWorker(stream, 'w', {
      count: 5,
      handler: async (entry, { source }) => {
        if (source !== 'claim') return;
        await new Promise((resolve) => setTimeout(resolve, 50));
        handled.push(entry.id);
      },
    });
    await untilBlockedOnNew(stream, worker);
    const reap = worker.reapIdlePel();
    await waitFor('a few handled', () => handled.length >= 7);
    const handledAtClose = handled.length;
    await worker.close();
    // Counted, not timed: what close lets finish is the rest of the batch in hand, at most `count` (5), and
    // none of the batches after it.
    expect(handled.length - handledAtClose).toBeLessThanOrEqual(5);
    const result = await reap;
    expect(handled.length).toBeLessThan(40);
    expect(result.processed).toBe(handled.length);
    const pending = (await stream.pendingDetail('g', { count: 100 })).map((row) => row.id);
    expect(pending).toEqual(ids.filter((id) => !handled.includes(id)));
  });

  it('reaping reports entries trimmed while pending as deleted', async () => {
    const stream = await newStream(0);
    const ids = await stream.produceBatch(events(10));
    await stream.consume('g', 'crashed', 10, 10);
    await stream.trimMaxlen(4, { approx: false });
    const { worker, of } = await startWorker(stream, 'healthy');
    const result = await worker.reapIdlePel();
    expect(result).toEqual({ claimed: 4, processed: 4, deletedIds: ids.slice(0, 6), deadLettered: 0 });
    expect(of('deleted').map((event) => event.id)).toEqual(ids.slice(0, 6));
  });

  it('pause stops reading; resume picks up where it left off', async () => {
    const stream = await newStream();
    const { worker, of } = await startWorker(stream, 'w');
    await worker.pause();
    await stream.produceBatch(events(3));
    expect(worker.status().paused).toBe(true);
    expect(of('delivered')).toHaveLength(0);
    expect((await stream.infoGroups())[0]?.lag).toBe(3);
    worker.resume();
    await waitFor('processed after resume', () => of('acked').length === 3);
  });

  it('pause ends a blocked read at once: nothing more is delivered however long the block', async () => {
    const stream = await newStream();
    const { worker, of } = await startWorker(stream, 'w', { blockMs: 10_000 });
    await waitFor('the worker blocked in XREADGROUP', async () => {
      const clients = String(await redisSuite.redis.call('CLIENT', 'LIST'));
      return /name=streamscope-worker:\S+\/g\/w .*flags=b .*cmd=xreadgroup/.test(clients);
    });
    await worker.pause();
    const clients = String(await redisSuite.redis.call('CLIENT', 'LIST'));
    expect(clients).not.toMatch(/name=streamscope-worker:\S+\/g\/w .*flags=b/);
    await stream.produceBatch(events(3));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(of('delivered')).toHaveLength(0);
    expect((await stream.infoGroups())[0]?.lag).toBe(3);
    worker.resume();
    await waitFor('processed after resume', () => of('acked').length === 3);
  });

  it('after its connection dropped, the blocked read is not sent again: pause still ends the block at once, and the PEL is drained first', async () => {
    const stream = await newStream();
    const { worker, of } = await startWorker(stream, 'w', { blockMs: 10_000 });
    // The dropped read fails, as it should, and is reported.
    const errors: string[] = [];
    worker.on('error', ({ operation }) => errors.push(operation));
    const blocked = async () =>
      /name=streamscope-worker:\S+\/g\/w .*flags=b .*cmd=xreadgroup/.test(
        String(await redisSuite.redis.call('CLIENT', 'LIST')),
      );
    await waitFor('the worker blocked in XREADGROUP', blocked);
    const before = await worker.connectionId();
    await redisSuite.redis.call('CLIENT', 'KILL', 'ID', String(before));
    await waitFor('a new connection', async () => (await worker.connectionId()) !== before);
    await waitFor('the worker blocked again', blocked);
    const started = Date.now();
    await worker.pause();
    // Sent again, the old read sat ahead of CLIENT ID on the new connection: the pause waited out its 10 s.
    expect(Date.now() - started).toBeLessThan(2_000);
    worker.resume();
    await stream.produceBatch(events(2));
    await waitFor('processed after the drop', () => of('acked').length === 2);
    expect(errors).toContain('read');
  });

  it.each(['script', 'plain'] as const)(
    "catches up with a backlog reading ahead (catchUpReads '%s'): every entry once, in order, fields intact",
    async (catchUpReads) => {
      const stream = await newStream();
      const ids = await stream.produceBatch(
        Array.from({ length: 95 }, (_, i) => ({ type: 'order.placed', payload: { n: i, note: `ü "${i}"` } })),
      );
      const seen: StreamEntry[] = [];
      const { of } = await startWorker(stream, 'w', {
        count: 10,
        catchUpReads,
        handler: (entry) => {
          seen.push(entry);
        },
      });
      await waitFor('all acked', () => of('acked').length === 95);
      expect(seen.map((entry) => entry.id)).toEqual(ids);
      expect(seen[42]?.fields).toMatchObject({ type: 'order.placed', n: '42', note: 'ü "42"' });
      expect((await stream.pendingSummary('g')).count).toBe(0);
    },
  );

  it.each(['script', 'plain'] as const)(
    "reads ahead no more than one batch beyond the one in hand, however slow the handler (catchUpReads '%s')",
    async (catchUpReads) => {
      const stream = await newStream();
      await stream.produceBatch(events(60));
      let handled = 0;
      let mostAhead = 0;
      const { of } = await startWorker(stream, 'w', {
        count: 10,
        catchUpReads,
        handler: async () => {
          handled += 1;
          // A batch read ahead arrives while this one is still being handled: it must not ask for a third.
          await new Promise((resolve) => setTimeout(resolve, 5));
          const read = (await stream.infoGroups())[0]?.entriesRead ?? 0;
          mostAhead = Math.max(mostAhead, read - handled);
        },
      });
      await waitFor('all acked', () => of('acked').length === 60);
      // The rest of the batch in hand (at most 9 after this one) and one batch of 10 read ahead.
      expect(mostAhead).toBeLessThanOrEqual(19);
      expect(mostAhead).toBeGreaterThanOrEqual(10);
    },
  );

  it('a paused worker’s auto-reaper claims nothing until it is resumed', async () => {
    const stream = await newStream(0);
    const [id] = await stream.produceBatch(events(1));
    await stream.consume('g', 'crashed', 1, null);
    const { worker, of } = await startWorker(stream, 'w');
    await worker.pause();
    worker.setAutoReap(10);
    // Twenty intervals: a reaper that ignored the pause would have claimed it by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(of('claimed')).toEqual([]);
    expect((await stream.pendingDetail('g')).map((row) => row.consumer)).toEqual(['crashed']);
    worker.resume();
    await waitFor('claimed and acked once resumed', () => of('acked').some((event) => event.id === id));
  });

  it('pause in the middle of a backlog: the batch read ahead is still handled and acked, then nothing more', async () => {
    const stream = await newStream();
    await stream.produceBatch(events(200));
    let handled = 0;
    let pausing: Promise<void> | undefined;
    const { worker, of } = await startWorker(stream, 'w', {
      count: 10,
      handler: () => {
        handled += 1;
        // Mid-batch of a full read: the next batch has been asked for already.
        if (handled === 25) pausing = worker.pause();
      },
    });
    await waitFor('paused', () => pausing !== undefined);
    await pausing;
    await waitFor('every delivered entry acked', () => of('acked').length === of('delivered').length);
    const delivered = of('delivered').length;
    expect(delivered).toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(of('delivered')).toHaveLength(delivered);
    expect((await stream.pendingSummary('g')).count).toBe(0);
    worker.resume();
    await waitFor('the rest after resume', () => of('acked').length === 200);
  });

  it('close in the middle of a backlog leaves nothing pending: a batch read ahead is handled first', async () => {
    const stream = await newStream();
    await stream.produceBatch(events(200));
    let closing: Promise<void> | undefined;
    const { worker, of } = await startWorker(stream, 'w', {
      count: 10,
      handler: () => {
        if (of('delivered').length === 15) closing = worker.close();
      },
    });
    await waitFor('closing', () => closing !== undefined);
    await closing;
    expect(of('acked').length).toBe(of('delivered').length);
    expect(of('acked').length).toBeGreaterThanOrEqual(15);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('close acks the batch in hand before it handles the one read ahead: a stop cut short loses neither', async () => {
    const stream = await newStream();
    await stream.produceBatch(events(200));
    let closing: Promise<void> | undefined;
    let pendingAsReadAheadBegan: number | undefined;
    const { worker, of } = await startWorker(stream, 'w', {
      count: 10,
      handler: async () => {
        const delivered = of('delivered').length;
        if (delivered === 15) closing = worker.close();
        // The first entry of the batch read ahead (21 to 30) as the one in hand (11 to 20) was closed on.
        if (delivered === 21) pendingAsReadAheadBegan = (await stream.pendingSummary('g')).count;
      },
    });
    await waitFor('closing', () => closing !== undefined);
    await closing;
    expect(of('delivered')).toHaveLength(30);
    expect(pendingAsReadAheadBegan).toBe(10);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('drains its own PEL on start: entries delivered before a restart are processed first', async () => {
    const stream = await newStream();
    const ids = await stream.produceBatch(events(3));
    await stream.consume('g', 'w', 10, 10);
    const fresh = await stream.produce('after');
    const sources: string[] = [];
    const { of } = await startWorker(stream, 'w', {
      handler: (_entry, context) => {
        sources.push(context.source);
      },
    });
    await waitFor('all acked', () => of('acked').length === 4);
    expect(of('acked').map((event) => [event.id, event.deliveryCount])).toEqual([
      ...ids.map((id) => [id, 2]),
      [fresh, 1],
    ]);
    expect(sources).toEqual(['own-pel', 'own-pel', 'own-pel', 'new']);
  });

  it('drains its own PEL once on start: an entry that fails again waits for a claim, one delivery spent', async () => {
    const stream = await newStream();
    const [id] = await stream.produceBatch(events(1));
    await stream.consume('g', 'w', 10, 10);
    const runs: (number | null)[] = [];
    const { worker, of } = await startWorker(stream, 'w', {
      handler: (_entry, context) => {
        runs.push(context.deliveryCount);
        throw new Error('still failing');
      },
    });
    await untilBlockedOnNew(stream, worker);
    // The connection's first 'ready' used to ask for a second drain, sent as soon as the first was done: the
    // entry ran twice at once and spent two of its deliveries.
    expect(runs).toEqual([2]);
    expect(of('failed').map((event) => [event.id, event.deliveryCount])).toEqual([[id, 2]]);
    expect((await stream.pendingDetail('g')).map((row) => [row.id, row.deliveries])).toEqual([[id, 2]]);
  });

  it('refuses to start a second worker of one consumer on one EventStream, until the first is closed', async () => {
    const stream = await newStream();
    const { worker } = await startWorker(stream, 'twin');
    const twin = new ConsumerWorker(stream, 'g', 'twin');
    await expect(twin.start()).rejects.toThrow(
      new ConsumerInUseError(
        'consumer g/twin already has a running worker on this EventStream: two would share one pending list. Close that one first, or pick another name',
      ),
    );
    expect(twin.status().state).toBe('new');
    await worker.close();
    await twin.start();
    redisSuite.afterThisTest(() => twin.close());
    expect(twin.status().state).toBe('running');
  });

  it('close during a block returns within blockMs + 200 ms and is idempotent', async () => {
    const stream = await newStream();
    const blockMs = 2000;
    const { worker } = await startWorker(stream, 'w', { blockMs });
    // Blocked, not only last seen sending XREADGROUP (the start-up read of its own PEL does too): the span
    // timed is the close of a block in progress.
    await untilBlockedOnNew(stream, worker);
    const started = performance.now();
    const closing = worker.close();
    expect(worker.close()).toBe(closing);
    await closing;
    expect(performance.now() - started).toBeLessThan(blockMs + 200);
    expect(worker.status().state).toBe('closed');
    await expect(worker.reapIdlePel()).rejects.toBeInstanceOf(WorkerClosedError);
    await expect(worker.start()).rejects.toBeInstanceOf(WorkerClosedError);
    // Nor is a pause or a crash taken, silently, by a worker that reads nothing again.
    await expect(worker.pause()).rejects.toThrow('worker g/w was closed and cannot be paused');
    expect(() => worker.resume()).toThrow(WorkerClosedError);
    expect(() => worker.crashNext(3)).toThrow('worker g/w was closed and cannot be given crashes');
    // Nor an auto-reaper, which status() then said was on; off is off whatever the state.
    expect(() => worker.setAutoReap(100)).toThrow('worker g/w was closed and cannot be given an auto-reaper');
    worker.setAutoReap(null);
    expect(worker.status().autoReapMs).toBeNull();
  });

  it('close waits for the in-flight handler and acks its entry', async () => {
    const stream = await newStream();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { worker, of } = await startWorker(stream, 'w', { handler: () => gate });
    await stream.produce('slow');
    await waitFor('delivery', () => of('delivered').length === 1);
    let closed = false;
    const closing = worker.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(of('acked')).toHaveLength(1);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('close while entries keep arriving acks every entry its handler finished, whichever read it cut short', async () => {
    // The loop's connection is dropped to end its read; a read that had come back with entries just before was
    // handled, and its XACK went on the dropped connection. Timing decides it, so a few closes at random moments.
    for (let round = 0; round < 15; round += 1) {
      const stream = await newStream();
      let producing = true;
      const producer = (async () => {
        while (producing) {
          await stream.produceBatch(events(3));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const handled = new Set<string>();
      const { worker } = await startWorker(stream, 'w', {
        count: 10,
        handler: (entry) => {
          handled.add(entry.id);
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25));
      await worker.close();
      producing = false;
      await producer;
      const pending = await stream.pendingDetail('g', { count: 10_000 });
      expect(pending.filter((row) => handled.has(row.id)).map((row) => row.id)).toEqual([]);
    }
  });

  it('close aborts the handler context signal: a handler stuck on another service gives up, its entry stays pending', async () => {
    const stream = await newStream();
    const { worker, of } = await startWorker(stream, 'w', {
      // Never settles by itself, as a call to a service that stopped answering.
      handler: (_entry, { signal }) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('gave up: the worker is closing')));
        }),
    });
    const id = await stream.produce('slow');
    await waitFor('delivery', () => of('delivered').length === 1);
    await worker.close();
    expect(of('failed')).toEqual([expect.objectContaining({ id, reason: 'gave up: the worker is closing' })]);
    expect(of('acked')).toEqual([]);
    expect((await stream.pendingDetail('g')).map((row) => row.id)).toEqual([id]);
  });

  it('close waits for a reap whose handler is running, and nothing is acked after it returns', async () => {
    const stream = await newStream(10);
    await stream.produceBatch(events(2));
    await stream.consume('g', 'crashed', 10, null); // left pending, soon idle past the threshold
    await new Promise((resolve) => setTimeout(resolve, 50));
    let running = 0;
    const { worker, of } = await startWorker(stream, 'w', {
      blockMs: 5_000,
      handler: async (_entry, context) => {
        if (context.source !== 'claim') return;
        running += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        running -= 1;
      },
    });
    await untilBlockedOnNew(stream, worker);
    const reap = worker.reapIdlePel();
    await waitFor('a claimed entry in the handler', () => running > 0);
    await worker.close();
    expect(running).toBe(0);
    const ackedAtClose = of('acked').length;
    expect(ackedAtClose).toBe(2);
    await reap;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(of('acked')).toHaveLength(ackedAtClose);
    expect((await stream.pendingSummary('g')).count).toBe(0);
  });

  it('keeps a bounded ring of recent outcomes', async () => {
    const stream = await newStream();
    const { worker, of } = await startWorker(stream, 'w', { recentCapacity: 5 });
    const ids = await stream.produceBatch(events(12));
    await waitFor('all acked', () => of('acked').length === 12);
    expect(worker.recent().map((outcome) => outcome.id)).toEqual(ids.slice(7));
    expect(worker.recent()[0]).toMatchObject({
      outcome: 'acked',
      eventType: 'order.placed',
      deliveryCount: 1,
    });
  });

  it('reports Redis errors as events and keeps going', async () => {
    const stream = await newStream();
    const worker = new ConsumerWorker(stream, 'missing-group', 'w', { blockMs: 50, maxBackoffMs: 100 });
    redisSuite.afterThisTest(() => worker.close());
    const errors: string[] = [];
    worker.on('error', (event) => errors.push(`${event.operation}: ${event.error.name}`));
    await worker.start();
    await waitFor('two errors', () => errors.length >= 2);
    expect(errors[0]).toBe('read: GroupNotFoundError');
    expect(worker.status().lastError).toMatch(/NOGROUP/);
    await stream.ensureGroup('missing-group', '0-0');
    const acked: string[] = [];
    worker.on('acked', (event) => acked.push(event.id));
    const id = await stream.produce('late');
    await waitFor('recovered', () => acked.includes(id));
    // What status reports as wrong is what is wrong now: the read error went with the recovery.
    expect(worker.status().lastError).toBeNull();
  });

  it("clears the auto-reaper's last failure from status when the auto-reaper is switched off", async () => {
    const stream = await newStream();
    await stream.ensureGroup('g', '0-0');
    const worker = new ConsumerWorker(stream, 'g', 'w', {
      blockMs: 50,
      maxBackoffMs: 100,
      reapIntervalMs: 10,
    });
    redisSuite.afterThisTest(() => worker.close());
    let afterSwitchOff: string | null | undefined;
    worker.on('error', ({ operation }) => {
      if (operation !== 'reap' || afterSwitchOff !== undefined) return;
      expect(worker.status().lastError).toMatch(/^reap: /);
      worker.setAutoReap(null);
      afterSwitchOff = worker.status().lastError;
    });
    await worker.start();
    await stream.deleteGroup('g');
    await waitFor('a failed reap', () => afterSwitchOff !== undefined);
    // Nothing reaps any more to clear it: left, it stood on the consumer's card for good.
    expect(afterSwitchOff).toBeNull();
  });

  it('with no error listener, its first failure is one process warning instead of silence', async () => {
    const warnings = captureWarnings('STREAMSCOPE_UNHEARD_ERROR');
    const stream = await newStream();
    // A group nobody made: every read fails, and nothing else would say so.
    const worker = new ConsumerWorker(stream, 'missing-group', 'w', { blockMs: 50, maxBackoffMs: 50 });
    redisSuite.afterThisTest(() => worker.close());
    await worker.start();
    await waitFor('a failed read', () => worker.status().lastError);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^ConsumerWorker missing-group\/w \(read\): XREADGROUP: NOGROUP .* \(nothing listens for its 'error' events: add one with \.on\('error', …\); it carries on, and warns only this once\)$/,
      ),
    ]);
  });

  it('a lifecycle listener that throws is reported; the entry is still handled and acked, other listeners hear it', async () => {
    const stream = await newStream();
    const handled: string[] = [];
    const worker = new ConsumerWorker(stream, 'g', 'w', {
      blockMs: 100,
      handler: (entry) => void handled.push(entry.id),
    });
    redisSuite.afterThisTest(() => worker.close());
    worker.on('delivered', () => {
      throw new Error('metrics listener bug');
    });
    const delivered: string[] = [];
    worker.on('delivered', (event) => delivered.push(event.id));
    worker.on('acked', async () => {
      throw new Error('async listener bug');
    });
    const errors: string[] = [];
    worker.on('error', (event) => errors.push(`${event.operation}: ${event.error.message}`));
    await worker.start();
    const id = await stream.produce('order.placed');
    await waitFor(
      'the entry acked',
      async () => (await stream.pendingSummary('g')).count === 0 && handled.length > 0,
    );
    expect(handled).toEqual([id]);
    expect(delivered).toEqual([id]);
    await waitFor('both listener errors', () => errors.length === 2);
    expect(errors).toEqual([
      'delivered listener: metrics listener bug',
      'acked listener: async listener bug',
    ]);
    expect(worker.status()).toMatchObject({ state: 'running', processed: 1, lastError: null });
  });

  it('an error listener that throws becomes a process warning; the loop carries on, no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    const warnings = captureWarnings('STREAMSCOPE_LISTENER_THREW');
    process.on('unhandledRejection', onUnhandled);
    try {
      const stream = await newStream();
      // No such group: every read fails with NOGROUP, and the worker reports it to the listener that throws.
      const worker = new ConsumerWorker(stream, 'missing-group', 'w', { blockMs: 50, maxBackoffMs: 100 });
      redisSuite.afterThisTest(() => worker.close());
      worker.on('error', () => {
        throw new Error('error listener bug');
      });
      await worker.start();
      await waitFor('a warning', () => warnings.length > 0);
      expect(warnings[0]).toBe("a ConsumerWorker 'error' listener threw: error listener bug");
      await stream.ensureGroup('missing-group', '0-0');
      const acked: string[] = [];
      worker.on('acked', (event) => acked.push(event.id));
      const id = await stream.produce('late');
      await waitFor('the loop to carry on', () => acked.includes(id));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a dozen workers on one shared connection close together without a possible-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const stream = await newStream();
      const before = redisSuite.redis.listenerCount('close');
      const workers = Array.from(
        { length: 12 },
        (_, index) => new ConsumerWorker(stream, 'g', `w${index}`, { blockMs: 50 }),
      );
      await Promise.all(workers.map((worker) => worker.start()));
      await Promise.all(workers.map((worker) => worker.close()));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
      expect(redisSuite.redis.listenerCount('close')).toBe(before);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
