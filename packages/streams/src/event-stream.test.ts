import {
  EventStream,
  GroupNotFoundError,
  LAST_ENTRY_ID,
  ProduceStoppedError,
  type StreamEntry,
  StreamExhaustedError,
} from '@streamscope/streams';
import { dropConnectionDuringAppend, uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { describe, expect, it, vi } from 'vitest';

const redisSuite = usePrivateRedis();

function newStream(options: { maxlenApprox?: number | null; claimMinIdleMs?: number } = {}): EventStream {
  const stream = new EventStream({ connection: redisSuite.redis, streamKey: uniqueStreamKey(), ...options });
  redisSuite.afterThisTest(() => stream.deleteStream());
  return stream;
}

const order = (n: number) => ({ order_id: `o-${n}`, customer: 'alice', amount: '49.50' });

describe('EventStream producing', () => {
  it('appends with type and ts_ms first, then the payload', async () => {
    const stream = newStream();
    const before = Date.now();
    const id = await stream.produce('order.placed', { order_id: 'o-1', customer: 'alice', amount: 49.5 });
    const raw = (await redisSuite.redis.call('XRANGE', stream.streamKey, '-', '+')) as [string, string[]][];
    expect(raw[0]?.[0]).toBe(id);
    const fields = raw[0]?.[1] ?? [];
    expect(fields.filter((_, i) => i % 2 === 0)).toEqual(['type', 'ts_ms', 'order_id', 'customer', 'amount']);
    expect(fields[1]).toBe('order.placed');
    expect(Number(fields[3])).toBeGreaterThanOrEqual(before);
    expect(fields[9]).toBe('49.5');
  });

  it('produceBatch returns IDs in input order in one round trip', async () => {
    const stream = newStream({ maxlenApprox: null });
    const events = Array.from({ length: 2500 }, (_, n) => ({ type: `t${n % 3}`, payload: order(n) }));
    const ids = await stream.produceBatch(events);
    expect(ids).toHaveLength(2500);
    const replayed = await stream.replay('-', '+', 3000);
    expect(replayed.map((entry) => entry.id)).toEqual(ids);
    expect(replayed.map((entry) => entry.fields.order_id)).toEqual(
      events.map((event) => event.payload.order_id),
    );
    expect(replayed[7]?.fields.type).toBe('t1');
    expect(await stream.produceBatch([])).toEqual([]);
    expect(stream.stats().produced).toBe(2500);
  });

  it('produceBatch failed part-way tells and counts the IDs of the chunks it appended', async () => {
    const stream = newStream({ maxlenApprox: null });
    await stream.produceBatch([{ type: 'warm-up', payload: order(0) }]); // defines the script command
    const commands = stream.redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>;
    const name = Object.keys(commands).find((key) => key.startsWith('streamscopeProduceBatch')) ?? '';
    const appendChunk = commands[name]?.bind(stream.redis);
    let chunks = 0;
    // The second chunk of 250 fails, as a script Redis refused (OOM, say) would.
    const failing = vi
      .spyOn(commands, name)
      .mockImplementation((...args: string[]) =>
        ++chunks === 2
          ? Promise.reject(new Error('OOM command not allowed'))
          : (appendChunk?.(...args) ?? Promise.resolve()),
      );
    const events = Array.from({ length: 600 }, (_, n) => ({ type: 'x', payload: order(n) }));
    try {
      const stopped = await stream.produceBatch(events).catch((error: unknown) => error);
      expect(stopped).toBeInstanceOf(ProduceStoppedError);
      const { ids, landed, message } = stopped as ProduceStoppedError;
      expect(message).toBe(
        "XADD batch failed: OOM command not allowed (after appending 350 of the batch's 600 events)",
      );
      // The first chunk's 250 and the last one's 100, the failed chunk's between them missing.
      expect(ids).toHaveLength(350);
      // Each in its event's place: what to send again is the failed chunk's 250.
      expect(landed).toHaveLength(600);
      expect(landed.slice(0, 250)).toEqual(ids.slice(0, 250));
      expect(landed.slice(250, 500)).toEqual(new Array(250).fill(null));
      expect(landed.slice(500)).toEqual(ids.slice(250));
      expect((await stream.replay('-', '+', 1000)).slice(1).map((entry) => entry.id)).toEqual(ids);
      expect(stream.stats().produced).toBe(1 + 350);
    } finally {
      failing.mockRestore();
    }
  });

  it('produceBatch stores any text exactly as produce does', async () => {
    const stream = newStream({ maxlenApprox: null });
    const payload = {
      quote: 'say "hi"\\n',
      newline: 'a\nb\tc',
      emoji: 'order 🚚 ünïcödé 注文',
      empty: '',
      control: '\u0000\u0001',
      lone: 'x\ud800y',
      number: 12.5,
      flag: true,
    };
    const [batched] = await stream.produceBatch([{ type: 'odd', payload }]);
    const single = await stream.produce('odd', payload);
    const [a, b] = await stream.replay('-', '+', 10);
    expect(a?.id).toBe(batched);
    expect(b?.id).toBe(single);
    const { ts_ms: _a, ...fromBatch } = a?.fields ?? {};
    const { ts_ms: _b, ...fromSingle } = b?.fields ?? {};
    expect(fromBatch).toEqual(fromSingle);
    expect(fromBatch).toMatchObject({
      emoji: payload.emoji,
      quote: payload.quote,
      lone: 'x\ufffdy',
      number: '12.5',
    });
  });

  it('produceBatch takes an event as wide as its bound, and refuses a wider one before appending any', async () => {
    const stream = newStream({ maxlenApprox: null });
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 'v']));
    const [id] = await stream.produceBatch([{ type: 'widest', payload: wide(3_900) }]);
    const [entry] = await stream.replay(id, id, 1);
    expect(Object.keys(entry?.fields ?? {})).toHaveLength(3_902);
    await expect(
      stream.produceBatch([{ type: 'a' }, { type: 'b' }, { type: 'wide', payload: wide(5_000) }]),
    ).rejects.toThrow(/events\[2\]: has 5,000 payload fields/);
    expect(await stream.length()).toBe(1);
    // produce() is one plain XADD: no such bound.
    await stream.produce('wide', wide(5_000));
    expect(await stream.length()).toBe(2);
  });

  it('keeps the stream near maxlenApprox with MAXLEN ~', async () => {
    const stream = newStream({ maxlenApprox: 100 });
    await stream.produceBatch(
      Array.from({ length: 1000 }, (_, n) => ({ type: 'order.paid', payload: order(n) })),
    );
    const length = await stream.length();
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
  });

  it('reads back typed entries with the ID time', async () => {
    const stream = newStream();
    const id = await stream.produce('order.shipped', order(1));
    const [entry] = await stream.replay();
    expect(entry).toEqual<StreamEntry>({
      id,
      idMs: Number(id.split('-')[0]),
      fields: { type: 'order.shipped', ts_ms: expect.any(String), ...order(1) },
    });
  });
});

describe('EventStream groups', () => {
  it('replays an exclusive range past either end of the ID space as empty, not as a Redis error', async () => {
    const stream = newStream();
    const [id] = await stream.produceBatch([{ type: 'a' }, { type: 'b' }]);
    expect(await stream.replay('-', '(0-0', 10)).toEqual([]);
    expect(await stream.replay('-', '(00-000', 10)).toEqual([]);
    expect(await stream.replay('-', '(0', 10)).toEqual([]); // 0-max: nothing this stream holds
    expect(await stream.replay('(18446744073709551615-18446744073709551615', '+', 10)).toEqual([]);
    expect((await stream.replay(`(${id}`, '+', 10)).map((entry) => entry.fields.type)).toEqual(['b']);
    // A bare millisecond as an exclusive end is a real range, answered by Redis: entries of that millisecond.
    const early = newStream();
    await early.redis.call('XADD', early.streamKey, '5-1', 'type', 'x');
    expect((await early.replay('-', '(5', 10)).map((entry) => entry.id)).toEqual(['5-1']);
    expect(await early.replay('-', '(5-1', 10)).toEqual([]);
  });

  it('ensureGroup is idempotent and creates the stream', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    await stream.ensureGroup('g', '0-0');
    const groups = await stream.infoGroups();
    expect(groups.map((group) => group.name)).toEqual(['g']);
    expect(await stream.length()).toBe(0);
  });

  it('ensureGroup says whether it created the group, and leaves an existing one where it was', async () => {
    const stream = newStream();
    const [first] = await stream.produceBatch([{ type: 'a', payload: {} }]);
    expect(await stream.ensureGroup('g', '0-0')).toBe(true);
    await stream.consume('g', 'c', 10, null);
    expect(await stream.ensureGroup('g', '0-0')).toBe(false);
    expect((await stream.infoGroups())[0]?.lastDeliveredId).toBe(first);
  });

  it('setGroupId moves the cursor back (entries come again) and forward (entries are skipped)', async () => {
    const stream = newStream();
    const ids = await stream.produceBatch(['a', 'b', 'c'].map((type) => ({ type, payload: {} })));
    await stream.ensureGroup('g', '0-0');
    expect((await stream.consume('g', 'c', 10, null)).map((entry) => entry.id)).toEqual(ids);
    const moved = await stream.setGroupId('g', ids[0] as string);
    expect(moved.before).toMatchObject({ name: 'g', lastDeliveredId: ids[2], lag: 0 });
    expect(moved.after).toMatchObject({ name: 'g', lastDeliveredId: ids[0], pending: 3 });
    expect((await stream.consume('g', 'c', 10, null)).map((entry) => entry.id)).toEqual(ids.slice(1));
    // Redelivered through `>`, and still one pending row each: the PEL is untouched by the move.
    expect((await stream.pendingSummary('g')).count).toBe(3);
    await stream.setGroupId('g', '0-0');
    await stream.setGroupId('g', '$');
    expect(await stream.consume('g', 'c', 10, null)).toEqual([]);
    expect((await stream.infoGroups())[0]).toMatchObject({ lastDeliveredId: ids[2], lag: 0 });
  });

  it('setGroupId on a missing group is a GroupNotFoundError', async () => {
    const stream = newStream();
    await stream.produce('a');
    await expect(stream.setGroupId('nope', '0-0')).rejects.toBeInstanceOf(GroupNotFoundError);
  });

  it("a '$' group sees only entries added after it", async () => {
    const stream = newStream();
    await stream.produce('old');
    await stream.ensureGroup('from-now');
    await stream.ensureGroup('from-start', '0-0');
    await stream.produce('new');
    expect((await stream.consume('from-now', 'c', 10, 10)).map((entry) => entry.fields.type)).toEqual([
      'new',
    ]);
    expect((await stream.consume('from-start', 'c', 10, 10)).map((entry) => entry.fields.type)).toEqual([
      'old',
      'new',
    ]);
  });

  it('consume, ack and the counters', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch([{ type: 'a' }, { type: 'b' }, { type: 'c' }]);
    const entries = await stream.consume('g', 'c1', 2, 10);
    expect(entries.map((entry) => entry.fields.type)).toEqual(['a', 'b']);
    expect(await stream.ack('g', [entries[0]?.id ?? ''])).toBe(1);
    expect(await stream.ack('g', [entries[0]?.id ?? ''])).toBe(0);
    expect(await stream.ack('g', [])).toBe(0);
    expect(stream.stats()).toEqual({ produced: 3, acked: 1, claimed: 0 });
    expect(await stream.consume('g', 'c1', 10, 10)).toHaveLength(1);
    expect(await stream.consume('g', 'c1', 10, 10)).toEqual([]);
  });

  it('consume without a block time answers at once, even on an empty stream', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    const monitor = await redisSuite.redis.monitor();
    const reads: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (String(args[0]).toUpperCase() === 'XREADGROUP' && args.includes(stream.streamKey)) reads.push(args);
    });
    expect(await stream.consume('g', 'c1', 10, null)).toEqual([]);
    // BLOCK 0 would wait forever; no BLOCK at all is what `null` asks for. Read off the command sent, not off
    // the clock: MONITOR's feed comes a moment after the reply, on a connection of its own.
    await waitFor('the monitor to see the read', () => reads.length === 1);
    monitor.disconnect();
    expect(reads[0]?.map((arg) => arg.toUpperCase())).not.toContain('BLOCK');
    await stream.produce('a');
    expect(await stream.consume('g', 'c1', 10, null)).toHaveLength(1);
  });

  it('consumeBacklog reads exactly what consume does, any text included, and nothing when nothing is new', async () => {
    const stream = newStream({ maxlenApprox: null });
    await stream.ensureGroup('plain', '0-0');
    await stream.ensureGroup('script', '0-0');
    expect(await stream.consumeBacklog('script', 'c', 10)).toEqual([]);
    const odd = {
      quote: 'say "hi"\\n',
      newline: 'a\nb\tc',
      emoji: 'order 🚚 ünïcödé 注文',
      empty: '',
      control: '\u0000\u0001\u001f',
      slash: '</script>',
      digits: '12345678901234567890',
    };
    const orders = (from: number) =>
      Array.from({ length: 5 }, (_, i) => ({ type: 'order.placed', payload: order(from + i) }));
    await stream.produceBatch([...orders(0), { type: 'odd', payload: odd }, ...orders(5)]);
    // Bytes that are not UTF-8, from some other producer: each read decodes them to the same U+FFFD.
    await redisSuite.redis.call(
      'XADD',
      stream.streamKey,
      '*',
      'type',
      'raw',
      'bin',
      Buffer.from([0x61, 0xff, 0xc3]),
    );
    const plain = await stream.consume('plain', 'c', 12, null);
    const scripted = await stream.consumeBacklog('script', 'c', 12);
    expect(scripted).toEqual(plain);
    expect(scripted[5]?.fields).toMatchObject(odd);
    expect(scripted[11]?.fields.bin).toBe('a\ufffd\ufffd');
    // Delivered to the consumer like any read: in its PEL, and the rest is still new.
    expect((await stream.pendingSummary('script')).count).toBe(12);
    await stream.produceBatch(orders(9));
    expect(await stream.consumeBacklog('script', 'c', 8)).toHaveLength(5);
    expect(await stream.consumeBacklog('script', 'c', 8)).toEqual([]);
    await expect(stream.consumeBacklog('nope', 'c', 1)).rejects.toBeInstanceOf(GroupNotFoundError);
  });

  it('consumeBacklogBatch tells the size before parsing, and parses once: the same entries as consumeBacklog', async () => {
    const stream = newStream({ maxlenApprox: null });
    await stream.ensureGroup('batch', '0-0');
    await stream.ensureGroup('whole', '0-0');
    const empty = await stream.consumeBacklogBatch('batch', 'c', 10);
    expect(empty.size).toBe(0);
    expect(empty.entries()).toEqual([]);
    await stream.produceBatch(
      Array.from({ length: 7 }, (_, i) => ({ type: 'order.placed', payload: order(i) })),
    );
    const batch = await stream.consumeBacklogBatch('batch', 'c', 5);
    expect(batch.size).toBe(5);
    // Delivered already, parsed or not: the next batch holds the rest.
    const next = await stream.consumeBacklogBatch('batch', 'c', 5);
    expect(next.size).toBe(2);
    expect(batch.entries()).toBe(batch.entries());
    expect([...batch.entries(), ...next.entries()]).toEqual(await stream.consumeBacklog('whole', 'c', 10));
  });

  it('typesOf names the type of each entry still there, in one call', async () => {
    const stream = newStream({ maxlenApprox: null });
    const [first, second] = await stream.produceBatch([{ type: 'order.placed' }, { type: 'order.paid' }]);
    const untyped = String(await redisSuite.redis.call('XADD', stream.streamKey, '*', 'order_id', 'o-1'));
    await stream.trimMinid(second ?? '', { approx: false });
    const types = await stream.typesOf([first ?? '', second ?? '', untyped, '999999999999999-0']);
    expect(Object.fromEntries(types)).toEqual({ [second ?? '']: 'order.paid', [untyped]: '' });
    expect(await stream.typesOf([])).toEqual(new Map());
  });

  it('typesWithin cuts each type at its characters, and stops reading once it has read its bytes', async () => {
    const stream = newStream({ maxlenApprox: null });
    const { redis } = redisSuite;
    const megabyte = 'T'.repeat(1024 * 1024);
    const ids = [
      await redis.xadd(stream.streamKey, '*', 'type', `😀${megabyte}`),
      await redis.xadd(stream.streamKey, '*', 'type', 'order.paid', 'body', megabyte),
      await redis.xadd(stream.streamKey, '*', 'type', 'order.placed'),
    ].map(String);
    const bounds = { chars: 100, readBytes: 1536 * 1024 };
    const { types, read } = await stream.typesWithin(['1-1', ...ids], bounds);
    // The trimmed ID costs nothing; two megabytes are read, and the last ID is left unread.
    expect(read).toBe(3);
    expect(Object.fromEntries(types)).toEqual({
      [ids[0] ?? '']: `😀${'T'.repeat(99)}…`,
      [ids[1] ?? '']: 'order.paid',
    });
    expect((await stream.typesWithin(ids, { chars: 100, readBytes: 1 })).read).toBe(1);
    expect((await stream.typesWithin(ids.slice(2), bounds)).types.get(ids[2] ?? '')).toBe('order.placed');
  });

  it('consumeOwnPel re-reads unacked entries, pages, and reports trimmed ones as deleted', async () => {
    const stream = newStream({ maxlenApprox: null });
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(Array.from({ length: 5 }, (_, n) => ({ type: `t${n}` })));
    await stream.consume('g', 'c1', 5, 10);
    await stream.ack('g', [ids[1] ?? '']);
    const page1 = await stream.consumeOwnPel('g', 'c1', 2);
    expect(page1.entries.map((entry) => entry.id)).toEqual([ids[0], ids[2]]);
    const page2 = await stream.consumeOwnPel('g', 'c1', 10, ids[2]);
    expect(page2.entries.map((entry) => entry.id)).toEqual([ids[3], ids[4]]);
    await redisSuite.redis.call('XDEL', stream.streamKey, ids[3] ?? '');
    const again = await stream.consumeOwnPel('g', 'c1', 10);
    expect(again.deletedIds).toEqual([ids[3]]);
    expect(again.entries.map((entry) => entry.id)).toEqual([ids[0], ids[2], ids[4]]);
  });

  it('deleteConsumer and deleteGroup', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    await stream.produce('a');
    await stream.consume('g', 'c1', 10, 10);
    expect(await stream.deleteConsumer('g', 'c1')).toBe(1);
    expect(await stream.infoConsumers('g')).toEqual([]);
    expect(await stream.deleteGroup('g')).toBe(true);
    expect(await stream.deleteGroup('g')).toBe(false);
    expect(await stream.infoGroups()).toEqual([]);
    // No stream at all: no group either, said as such, not as Redis's words about XGROUP CREATE and MKSTREAM.
    const nowhere = newStream();
    expect(await nowhere.deleteGroup('g')).toBe(false);
    await expect(nowhere.deleteConsumer('g', 'c1')).rejects.toThrow(GroupNotFoundError);
    await expect(nowhere.deleteConsumer('g', 'c1')).rejects.toThrow(
      'XGROUP DELCONSUMER: the stream does not exist, so neither does the group',
    );
  });

  it('a missing group is a GroupNotFoundError', async () => {
    const stream = newStream();
    await stream.produce('a');
    await expect(stream.consume('nope', 'c', 1, 10)).rejects.toBeInstanceOf(GroupNotFoundError);
    await expect(stream.infoConsumers('nope')).rejects.toThrow(/NOGROUP/);
    // Through a script, Redis's sentence without the script's SHA and line numbers.
    const claimed = stream.autoclaim('nope', 'c', { deadLetterKey: `${stream.streamKey}:dlq` });
    await expect(claimed).rejects.toBeInstanceOf(GroupNotFoundError);
    await expect(claimed).rejects.toThrow(
      /^XAUTOCLAIM[^:]*: NOGROUP No such key .* or consumer group 'nope'[^@]*$/,
    );
  });

  it('a stream deleted under a blocked read is a GroupNotFoundError: its groups went with it', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '$');
    const connection = redisSuite.redis.duplicate();
    redisSuite.afterThisTest(() => connection.disconnect());
    const blocked = stream.withConnection(connection).consume('g', 'c', 1, 0);
    blocked.catch(() => {});
    await waitFor('the read blocked', async () =>
      /blocked_clients:1\b/.test(await redisSuite.redis.info('clients')),
    );
    await stream.deleteStream();
    await expect(blocked).rejects.toBeInstanceOf(GroupNotFoundError);
    await expect(blocked).rejects.toThrow(/^XREADGROUP: UNBLOCKED the stream key no longer exists$/);
  });
});

describe('EventStream claiming', () => {
  it('autoclaim takes idle entries to the caller and bumps the delivery count', async () => {
    const stream = newStream({ claimMinIdleMs: 50 });
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch([{ type: 'a' }, { type: 'b' }]);
    await stream.consume('g', 'crashed', 10, 10);
    expect((await stream.autoclaim('g', 'healthy')).claimed).toEqual([]);
    await waitFor(
      'idle entries',
      async () => (await stream.pendingDetail('g', { minIdleMs: 60 })).length === 2,
    );
    const { claimed, deletedIds } = await stream.autoclaim('g', 'healthy');
    expect(claimed.map((entry) => entry.id)).toEqual(ids);
    expect(deletedIds).toEqual([]);
    const rows = await stream.pendingDetail('g');
    expect(rows.map((row) => [row.consumer, row.deliveries])).toEqual([
      ['healthy', 2],
      ['healthy', 2],
    ]);
    expect(stream.stats().claimed).toBe(2);
  });

  it('autoclaim follows the cursor across more than 1,000 pending entries', async () => {
    const stream = newStream({ claimMinIdleMs: 0, maxlenApprox: null });
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 1234 }, (_, n) => ({ type: 'bulk', payload: order(n) })));
    expect(await stream.consume('g', 'crashed', 2000, 10)).toHaveLength(1234);
    const partial = await stream.autoclaim('g', 'healthy', { pageCount: 100, maxPages: 3 });
    expect(partial.claimed).toHaveLength(300);
    const rest = await stream.autoclaim('g', 'healthy', { pageCount: 100, maxPages: 100 });
    expect(rest.claimed).toHaveLength(1234);
    const summary = await stream.pendingSummary('g');
    expect(summary.consumers).toEqual([{ name: 'healthy', pending: 1234 }]);
  });

  it('autoclaim reports entries trimmed while pending as deleted and drops them from the PEL', async () => {
    const stream = newStream({ claimMinIdleMs: 0, maxlenApprox: null });
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(
      Array.from({ length: 10 }, (_, n) => ({ type: 'x', payload: order(n) })),
    );
    await stream.consume('g', 'crashed', 10, 10);
    expect(await stream.trimMaxlen(4, { approx: false })).toBe(6);
    const { claimed, deletedIds } = await stream.autoclaim('g', 'healthy');
    expect(deletedIds).toEqual(ids.slice(0, 6));
    expect(claimed.map((entry) => entry.id)).toEqual(ids.slice(6));
    expect((await stream.pendingSummary('g')).count).toBe(4);
  });

  it('claim takes specific IDs only when idle long enough', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    const [first, second] = await stream.produceBatch([{ type: 'a' }, { type: 'b' }]);
    await stream.consume('g', 'c1', 10, 10);
    expect(await stream.claim('g', 'c2', [first ?? ''], 60_000)).toEqual([]);
    const claimed = await stream.claim('g', 'c2', [first ?? ''], 0);
    expect(claimed.map((entry) => entry.id)).toEqual([first]);
    const owners = await stream.pendingDetail('g');
    expect(owners.map((row) => [row.id, row.consumer])).toEqual([
      [first, 'c2'],
      [second, 'c1'],
    ]);
  });

  it('claimOne takes one idle entry still in the stream, and says why it took none otherwise', async () => {
    const stream = newStream({ claimMinIdleMs: 50 });
    await stream.ensureGroup('g', '0-0');
    const [first, second, third] = await stream.produceBatch([{ type: 'a' }, { type: 'b' }, { type: 'c' }]);
    await stream.consume('g', 'c1', 10, 10);
    // Read just now: its consumer may have it in hand.
    expect(await stream.claimOne('g', first ?? '', 'c2')).toMatchObject({
      claimed: false,
      reason: 'idle',
      pending: { id: first, consumer: 'c1', deliveries: 1 },
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const outcome = await stream.claimOne('g', first ?? '', 'c2');
    expect(outcome).toMatchObject({ claimed: true, from: 'c1', deliveryCount: 2, entry: { id: first } });
    expect(outcome.claimed && outcome.entry.fields.type).toBe('a');
    expect(await stream.claimOne('g', first ?? '', 'c2', { minIdleMs: 0 })).toMatchObject({
      claimed: false,
      reason: 'own',
    });
    // Trimmed while pending: XCLAIM would drop it from the PEL unrecorded, so it stays where it is.
    await redisSuite.redis.call('XDEL', stream.streamKey, second ?? '');
    expect(await stream.claimOne('g', second ?? '', 'c2')).toMatchObject({
      claimed: false,
      reason: 'trimmed',
      pending: { id: second, consumer: 'c1' },
    });
    await stream.ack('g', [third ?? '']);
    expect(await stream.claimOne('g', third ?? '', 'c2')).toEqual({ claimed: false, reason: 'not-pending' });
    expect((await stream.pendingDetail('g')).map((row) => [row.id, row.consumer, row.deliveries])).toEqual([
      [first, 'c2', 2],
      [second, 'c1', 1],
    ]);
    expect(stream.stats().claimed).toBe(1);
    // Refused before any Redis call, as every malformed ID is.
    await expect(stream.claimOne('g', 'nope', 'c2')).rejects.toThrow(/id/);
  });

  it('entryPlaces says where one entry stands in every group: pending at whom, done, or unread', async () => {
    const stream = newStream();
    expect(await stream.entryPlaces('1-0')).toEqual({ places: [], groupsOmitted: 0 });
    const [first, second] = await stream.produceBatch([{ type: 'a' }, { type: 'b' }]);
    await stream.ensureGroup('billing', '0-0');
    await stream.ensureGroup('audit', '0-0');
    await stream.ensureGroup('late', '$');
    await stream.consume('billing', 'c1', 1, 10);
    await stream.consume('billing', 'c1', 1, 10);
    await stream.ack('billing', [first ?? '']);
    await stream.consume('audit', 'c2', 1, 10);
    await stream.claim('audit', 'c3', [first ?? ''], 0);
    const { places, groupsOmitted } = await stream.entryPlaces(first ?? '');
    expect(groupsOmitted).toBe(0);
    // By name, as XINFO GROUPS lists them; `late` was made after both entries, so passed over them.
    expect(places).toEqual([
      {
        group: 'audit',
        lastDeliveredId: first,
        state: 'pending',
        consumer: 'c3',
        idleMs: expect.any(Number),
        deliveries: 2,
      },
      { group: 'billing', lastDeliveredId: second, state: 'done' },
      { group: 'late', lastDeliveredId: second, state: 'done' },
    ]);
    expect((await stream.entryPlaces(second ?? '')).places.map((place) => place.state)).toEqual([
      'unread',
      'pending',
      'done',
    ]);
    // A bare millisecond time stands for its sequence 0, as XRANGE reads it; the bound leaves groups out.
    const bare = (first ?? '').split('-')[0] ?? '';
    expect(await stream.entryPlaces(bare, { maxGroups: 1 })).toMatchObject({
      places: [{ group: 'audit', state: first?.endsWith('-0') ? 'pending' : 'unread' }],
      groupsOmitted: 2,
    });
  });

  it('findByField finds the entries holding a value, newest first, and says where to search on from', async () => {
    const stream = newStream({ maxlenApprox: null });
    expect(await stream.findByField('order_id', 'o-1')).toEqual({ matches: [], read: 0, stoppedAt: null });
    const ids = await stream.produceBatch(
      Array.from({ length: 500 }, (_, n) => ({ type: `t${n}`, payload: order(n % 250) })),
    );
    // o-7 is in entries 7 and 257; the first field of a name is the one that counts.
    const found = await stream.findByField('order_id', 'o-7');
    expect(found).toEqual({
      matches: [
        { id: ids[257], type: 't257' },
        { id: ids[7], type: 't7' },
      ],
      read: 500,
      stoppedAt: null,
    });
    // Bounded by the entries it reads: the newest 300 hold only the later one; on from where it stopped.
    const first = await stream.findByField('order_id', 'o-7', { readMax: 300 });
    expect(first.matches.map((match) => match.id)).toEqual([ids[257]]);
    expect([first.read, first.stoppedAt]).toEqual([300, ids[200]]);
    const rest = await stream.findByField('order_id', 'o-7', { before: first.stoppedAt ?? '' });
    expect(rest.matches.map((match) => match.id)).toEqual([ids[7]]);
    // Bounded by the matches it returns, and by bytes read: the first entry is always read.
    expect((await stream.findByField('customer', 'alice', { max: 3 })).matches).toHaveLength(3);
    const small = await stream.findByField('customer', 'alice', { readBytes: 1 });
    expect([small.read, small.matches.length, small.stoppedAt]).toEqual([1, 1, ids[499]]);
    // No such value, no such field; a type is cut as asked.
    expect((await stream.findByField('customer', 'bob')).matches).toEqual([]);
    expect((await stream.findByField('nope', 'o-7')).matches).toEqual([]);
    await stream.produce('x'.repeat(50), { order_id: 'o-long' });
    expect((await stream.findByField('order_id', 'o-long', { typeChars: 10 })).matches[0]?.type).toBe(
      `${'x'.repeat(10)}…`,
    );
  });

  it('handoverPending moves a whole PEL, page by page, without bumping delivery counts', async () => {
    const stream = newStream({ maxlenApprox: null });
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 250 }, (_, n) => ({ type: 'x', payload: order(n) })));
    await stream.consume('g', 'leaving', 240, 10);
    await stream.consume('g', 'staying', 10, 10);
    const ids = (await stream.pendingDetail('g', { consumer: 'leaving', count: 1000 })).map((row) => row.id);
    await redisSuite.redis.call('XDEL', stream.streamKey, ids[5] ?? '');
    const handover = await stream.handoverPending('g', 'leaving', 'staying');
    expect(handover).toMatchObject({ moved: 239, deleted: 1 });
    // Which ones, in ID order, each with the delivery count it had: the one deleted is not among them.
    expect(handover.movedEntries).toEqual(
      ids.filter((id) => id !== ids[5]).map((id) => ({ id, deliveryCount: 1 })),
    );
    expect(await stream.pendingDetail('g', { consumer: 'leaving' })).toEqual([]);
    const rows = await stream.pendingDetail('g', { count: 1000 });
    expect(rows).toHaveLength(249);
    expect(rows.every((row) => row.consumer === 'staying' && row.deliveries === 1)).toBe(true);
  });

  it('handoverPending counts as deleted only what was trimmed, not what was acked after it was listed', async () => {
    const stream = newStream({ maxlenApprox: null });
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(Array.from({ length: 4 }, (_, n) => ({ type: 'x', payload: order(n) })));
    const [acked, trimmed] = (await stream.consume('g', 'leaving', 4, 10)).map((entry) => entry.id);
    await redisSuite.redis.call('XDEL', stream.streamKey, trimmed ?? '');
    // The leaving consumer's ack of one lands between the handover's XPENDING and its XCLAIM.
    const call = stream.redis.call.bind(stream.redis);
    const acking = vi.spyOn(stream.redis, 'call').mockImplementation(async (...args: unknown[]) => {
      if (args[0] === 'XCLAIM') await redisSuite.redis.xack(stream.streamKey, 'g', acked ?? '');
      return (call as (...a: unknown[]) => Promise<unknown>)(...args);
    });
    try {
      const handover = await stream.handoverPending('g', 'leaving', 'staying');
      expect(handover).toMatchObject({ moved: 2, deleted: 1 });
      expect(handover.movedEntries.map((entry) => entry.id)).not.toContain(acked);
    } finally {
      acking.mockRestore();
    }
  });
});

describe('EventStream reading history and retention', () => {
  it('replay and tail read ranges without moving any cursor', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(
      Array.from({ length: 20 }, (_, n) => ({ type: 'x', payload: order(n) })),
    );
    expect((await stream.replay('-', '+', 5)).map((entry) => entry.id)).toEqual(ids.slice(0, 5));
    expect((await stream.replay(`(${ids[4]}`, ids[9], 100)).map((entry) => entry.id)).toEqual(
      ids.slice(5, 10),
    );
    expect((await stream.tail(3)).map((entry) => entry.id)).toEqual([ids[19], ids[18], ids[17]]);
    expect((await stream.tail(2, ids[10])).map((entry) => entry.id)).toEqual([ids[10], ids[9]]);
    expect((await stream.tail(2, `(${ids[10]}`)).map((entry) => entry.id)).toEqual([ids[9], ids[8]]);
    expect(await stream.tail(2, '(0-0')).toEqual([]);
    expect((await stream.infoGroups())[0]?.lastDeliveredId).toBe('0-0');
  });

  it('countEntries counts a range page by page, up to its cap, without reading the entries', async () => {
    const stream = newStream({ maxlenApprox: null });
    const ids = await stream.produceBatch(
      Array.from({ length: 2_500 }, (_, n) => ({ type: 'x', payload: order(n) })),
    );
    expect(await stream.countEntries('-', '+', 10_000)).toBe(2_500);
    // Past the 1,000 one call reads, and stopping at the cap.
    expect(await stream.countEntries('-', '+', 2_100)).toBe(2_100);
    expect(await stream.countEntries(`(${ids[499]}`, ids[1_999] ?? '', 10_000)).toBe(1_500);
    expect(await stream.countEntries(`(${ids.at(-1)}`, '+', 10)).toBe(0);
    expect(await stream.countEntries('-', '(0-0', 10)).toBe(0);
    expect(await stream.countEntries('(18446744073709551615-18446744073709551615', '+', 10)).toBe(0);
    await expect(stream.countEntries('-', '+', 0)).rejects.toThrow(/cap must be an integer >= 1/);
    await expect(stream.countEntries('newest', '+', 1)).rejects.toThrow(/start must be/);
  });

  it('entryIdAt finds the entry so many in from either end, past the 1,000 one call reads, without reading them', async () => {
    const stream = newStream({ maxlenApprox: null });
    expect(await stream.entryIdAt(0, 'oldest')).toBeNull();
    const ids = await stream.produceBatch(
      Array.from({ length: 2_500 }, (_, n) => ({ type: 'x', payload: order(n) })),
    );
    expect(await stream.entryIdAt(0, 'oldest')).toBe(ids[0]);
    expect(await stream.entryIdAt(0, 'newest')).toBe(ids.at(-1));
    for (const skip of [1, 999, 1_000, 1_001, 2_000, 2_499]) {
      expect(await stream.entryIdAt(skip, 'oldest'), `${skip} from the oldest`).toBe(ids[skip]);
      expect(await stream.entryIdAt(skip, 'newest'), `${skip} from the newest`).toBe(ids[2_499 - skip]);
    }
    expect(await stream.entryIdAt(2_500, 'oldest')).toBeNull();
    expect(await stream.entryIdAt(2_500, 'newest')).toBeNull();
    await expect(stream.entryIdAt(-1, 'oldest')).rejects.toThrow(/skip must be an integer >= 0/);
    await expect(stream.entryIdAt(1, 'middle' as 'oldest')).rejects.toThrow(
      /from must be 'oldest' or 'newest'/,
    );
  });

  it('entryIdAt stops at the ends of the ID space, where Redis would refuse the next range', async () => {
    const stream = newStream({ maxlenApprox: null });
    // A whole call's 1,000 entries, from the smallest ID an entry can have to the largest.
    await stream.redis.xadd(stream.streamKey, '0-1', 'type', 'x');
    await stream.produceBatch(Array.from({ length: 998 }, () => ({ type: 'x' })));
    await stream.redis.xadd(stream.streamKey, '18446744073709551615-18446744073709551615', 'type', 'x');
    expect(await stream.entryIdAt(999, 'oldest')).toBe('18446744073709551615-18446744073709551615');
    expect(await stream.entryIdAt(1_000, 'oldest')).toBeNull();
    expect(await stream.entryIdAt(999, 'newest')).toBe('0-1');
    expect(await stream.entryIdAt(1_000, 'newest')).toBeNull();
  });

  it('trimMinid drops entries older than an ID', async () => {
    const stream = newStream({ maxlenApprox: null });
    const ids = await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 'x' })));
    expect(await stream.trimMinid(ids[3] ?? '', { approx: false })).toBe(3);
    expect((await stream.replay())[0]?.id).toBe(ids[3]);
    expect(await stream.trimMinid('0-1')).toBe(0);
  });

  it('approximate trims release whole macro-nodes only', async () => {
    const stream = newStream({ maxlenApprox: null });
    await stream.produceBatch(Array.from({ length: 300 }, () => ({ type: 'x' })));
    const removed = await stream.trimMaxlen(50);
    expect(removed).toBeGreaterThan(0);
    expect(await stream.length()).toBe(300 - removed);
    expect(await stream.length()).toBeGreaterThanOrEqual(50);
  });

  it('an append to a stream at the largest ID there is fails as StreamExhaustedError, saying what to do', async () => {
    const stream = newStream();
    await stream.redis.call('XADD', stream.streamKey, LAST_ENTRY_ID, 'type', 'x');
    await expect(stream.produce('order.paid', {})).rejects.toThrow(StreamExhaustedError);
    await expect(stream.produceBatch([{ type: 'order.paid' }])).rejects.toThrow(
      /the stream's last ID is the largest there is .* so Redis appends nothing more to it: delete any entry at that ID \(XDEL\)/,
    );
  });

  it('an approximate trim of more than one XTRIM removes (10,000 entries at most) takes as many as it needs', async () => {
    const stream = newStream({ maxlenApprox: null });
    for (let batch = 0; batch < 5; batch++) {
      await stream.produceBatch(Array.from({ length: 10_000 }, () => ({ type: 'x' })));
    }
    const removed = await stream.trimMaxlen(1_000);
    expect(await stream.length()).toBe(50_000 - removed);
    expect(await stream.length()).toBeLessThan(1_100);
    const [newest] = await stream.tail(1);
    await stream.produceBatch(Array.from({ length: 30_000 }, () => ({ type: 'x' })));
    // MINID past the newest of the first lot: what is left of it, and none of the 30,000 after it.
    const kept = await stream.length();
    expect(await stream.trimMinid(newest?.id ?? '')).toBeGreaterThanOrEqual(kept - 30_000 - 100);
    expect(await stream.length()).toBeGreaterThanOrEqual(30_000);
    expect(await stream.length()).toBeLessThanOrEqual(30_100);
  });
});

describe('EventStream observability', () => {
  it('infoStream, or null without a stream', async () => {
    const stream = newStream();
    expect(await stream.infoStream()).toBeNull();
    const ids = await stream.produceBatch([{ type: 'a' }, { type: 'b' }]);
    await stream.ensureGroup('g');
    const info = await stream.infoStream();
    expect(info).toMatchObject({ length: 2, lastGeneratedId: ids[1], groups: 1, entriesAdded: 2 });
    expect(info?.firstEntry?.id).toBe(ids[0]);
    expect(info?.lastEntry?.fields.type).toBe('b');
    expect(info).toMatchObject({ firstEntryId: ids[0], lastEntryId: ids[1] });
  });

  it('infoStreamSummary: infoStream with the first and last entries as IDs, the megabytes left in Redis', async () => {
    const stream = newStream();
    expect(await stream.infoStreamSummary()).toBeNull();
    const megabyte = 'M'.repeat(1024 * 1024);
    const first = await redisSuite.redis.xadd(stream.streamKey, '*', 'body', megabyte);
    const last = await redisSuite.redis.xadd(stream.streamKey, '*', 'body', megabyte);
    await stream.ensureGroup('g');
    const { firstEntry, lastEntry, ...figures } = (await stream.infoStream()) ?? {};
    const summary = await stream.infoStreamSummary();
    expect(summary).toEqual({ ...figures, firstEntryId: first, lastEntryId: last });
    expect(JSON.stringify(summary).length).toBeLessThan(1_000);
    await redisSuite.redis.call('XTRIM', stream.streamKey, 'MAXLEN', '0');
    expect(await stream.infoStreamSummary()).toMatchObject({
      length: 0,
      firstEntryId: null,
      lastEntryId: null,
    });
    // Another type in the key fails as XINFO STREAM does.
    await stream.deleteStream();
    await redisSuite.redis.set(stream.streamKey, 'in the way');
    await expect(stream.infoStreamSummary()).rejects.toThrow(/XINFO STREAM failed: WRONGTYPE/);
    await redisSuite.redis.del(stream.streamKey);
  });

  it('infoGroups reports lag, and null lag when Redis cannot tell', async () => {
    const stream = newStream({ maxlenApprox: null });
    expect(await stream.infoGroups()).toEqual([]);
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(Array.from({ length: 5 }, () => ({ type: 'x' })));
    await stream.consume('g', 'c', 2, 10);
    expect(await stream.infoGroups()).toEqual([
      { name: 'g', consumers: 1, pending: 2, lastDeliveredId: ids[1], entriesRead: 2, lag: 3 },
    ]);
    // Deleting an entry between the group's cursor and the end makes the lag unknowable.
    await redisSuite.redis.call('XDEL', stream.streamKey, ids[3] ?? '');
    const [group] = await stream.infoGroups();
    expect(group?.lag).toBeNull();
  });

  it('infoConsumers, pendingSummary and pendingDetail filters', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(Array.from({ length: 4 }, () => ({ type: 'x' })));
    await stream.consume('g', 'c1', 3, 10);
    await stream.consume('g', 'c2', 3, 10);
    const consumers = await stream.infoConsumers('g');
    expect(consumers.map((consumer) => [consumer.name, consumer.pending])).toEqual([
      ['c1', 3],
      ['c2', 1],
    ]);
    expect(consumers[0]?.idleMs).toBeGreaterThanOrEqual(0);
    expect(await stream.pendingSummary('g')).toEqual({
      count: 4,
      minId: ids[0],
      maxId: ids[3],
      consumers: [
        { name: 'c1', pending: 3 },
        { name: 'c2', pending: 1 },
      ],
    });
    expect((await stream.pendingDetail('g', { consumer: 'c2' })).map((row) => row.id)).toEqual([ids[3]]);
    expect(await stream.pendingDetail('g', { minIdleMs: 60_000 })).toEqual([]);
    const [, second = '', third = ''] = ids;
    expect(await stream.pendingDetail('g', { start: second, end: third, count: 10 })).toHaveLength(2);
  });

  it('deleteStream removes the key and its groups', async () => {
    const stream = newStream();
    await stream.ensureGroup('g', '0-0');
    expect(await stream.deleteStream()).toBe(true);
    expect(await stream.deleteStream()).toBe(false);
    expect(await stream.infoGroups()).toEqual([]);
  });

  it('opens and closes its own connection from a URL', async () => {
    const stream = new EventStream({ connection: redisSuite.server.url, streamKey: uniqueStreamKey() });
    await stream.produce('a');
    expect(await stream.length()).toBe(1);
    await stream.deleteStream();
    await stream.close();
    await waitFor('the owned connection to end', () => stream.redis.status === 'end');
  });

  it('on a connection of its own, a produce cut off by a dropped connection fails and is never sent twice', async () => {
    const stream = new EventStream({
      connection: redisSuite.server.url,
      streamKey: uniqueStreamKey(),
      maxlenApprox: null,
    });
    redisSuite.afterThisTest(async () => {
      await stream.deleteStream();
      await stream.close();
    });
    const events = Array.from({ length: 20_000 }, (_, n) => ({ type: 'order.placed', payload: order(n) }));
    // ioredis's default is to send the unanswered chunks again once it reconnects, appending them twice.
    const { outcome, appended } = await dropConnectionDuringAppend(
      stream.redis,
      redisSuite.redis,
      stream.streamKey,
      () => stream.produceBatch(events),
    );
    if (typeof outcome === 'number')
      expect({ outcome, appended }).toEqual({ outcome: 20_000, appended: 20_000 });
    else expect(outcome).toMatchObject({ message: expect.stringMatching(/may have run/) });
    expect(appended).toBeLessThanOrEqual(20_000);
  });
});
