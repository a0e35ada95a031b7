import {
  cutText,
  DeadLetters,
  type EntryBounds,
  EventStream,
  StreamArgumentError,
} from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';

const redisSuite = usePrivateRedis();

const BOUNDS: EntryBounds = { fields: 100, chars: 1_000, bytes: 1 << 20, readBytes: 16 << 20 };
const MEGABYTE = 'A'.repeat(1024 * 1024);

function setUp() {
  const stream = new EventStream({ connection: redisSuite.redis, streamKey: uniqueStreamKey('bounded') });
  const deadLetters = new DeadLetters(stream);
  redisSuite.afterThisTest(() => stream.deleteStream());
  redisSuite.afterThisTest(() => deadLetters.clear());
  return { stream, deadLetters, redis: redisSuite.redis };
}

/** The first `chars` code points of `text` and `…` after them, or `text` when it has no more: what a cut shows. */
function firstChars(text: string, chars = 1_000): string {
  const points = [...text];
  return points.length <= chars ? text : `${points.slice(0, chars).join('')}…`;
}

const letterMeta = (original: string, reason = 'handler failed') => [
  ...['dlq_original_id', original, 'dlq_group', 'billing', 'dlq_consumer', 'worker-a'],
  ...['dlq_delivery_count', '5', 'dlq_reason', reason, 'dlq_ts_ms', '1700000000000'],
];

describe('EventStream.tailBounded', () => {
  it('returns ordinary entries as tail() does, whole, newest first', async () => {
    const { stream } = setUp();
    for (let n = 0; n < 12; n++)
      await stream.produce('order.created', { order_id: `o-${n}`, amount: '9.50' });
    const whole = await stream.tail(10);
    const bounded = await stream.tailBounded(10, BOUNDS);
    expect(bounded.stoppedShort).toBe(false);
    expect(bounded.entries).toEqual(
      whole.map(({ id, idMs, fields }) => ({ id, idMs, fields: { ...fields } })),
    );
    expect(JSON.stringify(bounded.entries)).toBe(JSON.stringify(whole));
    // Before an ID, as tail() reads it.
    const older = await stream.tailBounded(3, BOUNDS, `(${whole[4]?.id}`);
    expect(older.entries.map((entry) => entry.id)).toEqual(whole.slice(5, 8).map((entry) => entry.id));
  });

  it('cuts a megabyte value and a long name at 1,000 characters, keeps the first 100 of 500 fields, and counts both', async () => {
    const { stream, redis } = setUp();
    const wide = Array.from({ length: 500 }, (_, n) => [`f${n}`, `v${n}`]).flat();
    const wideId = await redis.xadd(stream.streamKey, '*', ...wide);
    const bigId = await redis.xadd(
      stream.streamKey,
      '*',
      'type',
      't',
      'big',
      MEGABYTE,
      'N'.repeat(1_001),
      'x',
    );
    const { entries } = await stream.tailBounded(10, BOUNDS);
    expect(entries.map((entry) => entry.id)).toEqual([bigId, wideId]);
    const [big, many] = entries;
    expect(big?.fields).toEqual({ type: 't', big: `${'A'.repeat(1_000)}…`, [`${'N'.repeat(1_000)}…`]: 'x' });
    expect(big?.cut).toEqual({ fields: 0, values: 2 });
    expect(Object.keys(many?.fields ?? {})).toEqual(Array.from({ length: 100 }, (_, n) => `f${n}`));
    expect(many?.cut).toEqual({ fields: 400, values: 0 });
  });

  it('counts a name and its value cut as two, and leaves out, counted, a name that cut shares with another', async () => {
    const { stream, redis } = setUp();
    const long = (prefix: string) => `${prefix}${'x'.repeat(1_000)}`;
    const bothId = await redis.xadd(stream.streamKey, '*', long('name-'), long('value-'));
    // Cut at 1,000 characters, both names read "order_id_xxx…": one key, where the later overwrote the first unsaid.
    const sharedId = await redis.xadd(
      stream.streamKey,
      '*',
      long('order_id_'),
      'a',
      `${long('order_id_')}2`,
      'b',
    );
    const { entries } = await stream.tailBounded(10, BOUNDS);
    const byId = new Map<string | null, (typeof entries)[number]>(entries.map((entry) => [entry.id, entry]));
    expect(byId.get(bothId)?.cut).toEqual({ fields: 0, values: 2 });
    expect(byId.get(sharedId)?.fields).toEqual({ [firstChars(long('order_id_'))]: 'a' });
    expect(byId.get(sharedId)?.cut).toEqual({ fields: 1, values: 1 });
  });

  it('cuts by characters, never inside one, as the same cut of the decoded text would', async () => {
    const { stream, redis } = setUp();
    const texts = [
      'é'.repeat(1_500),
      '字'.repeat(1_000), // 3,000 bytes, but 1,000 characters: whole
      '字'.repeat(1_001),
      '😀'.repeat(1_200),
      `${'a'.repeat(999)}😀😀`,
      `${'a'.repeat(998)}é字😀${'b'.repeat(50)}`,
      'x'.repeat(1_000),
      'x'.repeat(1_001),
    ];
    for (const text of texts) await redis.xadd(stream.streamKey, '*', 'value', text);
    const { entries } = await stream.tailBounded(texts.length, BOUNDS);
    const shown = entries.map((entry) => entry.fields.value).reverse();
    expect(shown).toEqual(texts.map((text) => firstChars(text)));
    expect(entries.reverse().map((entry) => entry.cut?.values ?? 0)).toEqual([1, 0, 1, 1, 1, 1, 0, 1]);
  });

  it('looks at no more than 4 bytes a character of a value that is not UTF-8', async () => {
    const { stream, redis } = setUp();
    // Continuation bytes only: no character ever begins, and the cut still stops.
    await redis.xadd(stream.streamKey, '*', 'value', Buffer.alloc(1024 * 1024, 0x80));
    const [entry] = (await stream.tailBounded(1, BOUNDS)).entries;
    expect(entry?.cut).toEqual({ fields: 0, values: 1 });
    expect(Buffer.byteLength(entry?.fields.value ?? '')).toBeLessThan(4 * 4_000);
  });

  it('stops before the entry that would go past `bytes`, the first one always going, and says it stopped short', async () => {
    const { stream, redis } = setUp();
    // Each about 100 KB shown: 100 values of 1,000 characters.
    const fields = Array.from({ length: 150 }, (_, n) => [`f${n}`, 'B'.repeat(5_000)]).flat();
    for (let n = 0; n < 5; n++) await redis.xadd(stream.streamKey, '*', ...fields);
    const ids = (await stream.tail(5)).map((entry) => entry.id);
    const three = await stream.tailBounded(5, { ...BOUNDS, bytes: 350 * 1024 });
    expect(three.entries.map((entry) => entry.id)).toEqual(ids.slice(0, 3));
    expect(three.stoppedShort).toBe(true);
    expect(three.entries[0]?.cut).toEqual({ fields: 50, values: 100 });
    const one = await stream.tailBounded(5, { ...BOUNDS, bytes: 1_000 });
    expect(one.entries.map((entry) => entry.id)).toEqual(ids.slice(0, 1));
    expect(one.stoppedShort).toBe(true);
    // Asked for fewer than there are, it did not stop short: it stopped at the count.
    expect((await stream.tailBounded(2, BOUNDS)).stoppedShort).toBe(false);
  });

  it('stops once `readBytes` of entries have been read in Redis, however little of them it returns', async () => {
    const { stream, redis } = setUp();
    for (let n = 0; n < 6; n++) await redis.xadd(stream.streamKey, '*', 'big', MEGABYTE);
    const read = await stream.tailBounded(6, { ...BOUNDS, readBytes: 2.5 * 1024 * 1024 });
    expect(read.entries).toHaveLength(3);
    expect(read.stoppedShort).toBe(true);
    expect(JSON.stringify(read.entries).length).toBeLessThan(4 * 1024);
    // The first always goes, however large.
    expect((await stream.tailBounded(6, { ...BOUNDS, readBytes: 1 })).entries).toHaveLength(1);
  });

  it('counts each name and value against `readBytes` beside its bytes: entries of many small fields are costly too', async () => {
    const { stream, redis } = setUp();
    const tiny = Array.from({ length: 1_000 }, (_, n) => [`${n}`, 'v']).flat();
    for (let n = 0; n < 10; n++) await redis.xadd(stream.streamKey, '*', ...tiny);
    const read = await stream.tailBounded(10, { ...BOUNDS, readBytes: 1024 * 1024 });
    // 2,000 strings of 256 bytes each, about 0.5 MB an entry.
    expect(read.entries.length).toBeLessThanOrEqual(3);
    expect(read.stoppedShort).toBe(true);
  });

  it('refuses bounds that are missing, misspelt or not whole numbers', async () => {
    const { stream } = setUp();
    await expect(stream.tailBounded(10, { ...BOUNDS, chars: 0 })).rejects.toThrow(
      new StreamArgumentError('bounds.chars must be an integer >= 1, got 0'),
    );
    await expect(stream.tailBounded(10, { ...BOUNDS, readbytes: 1 } as EntryBounds)).rejects.toThrow(
      /unknown option "readbytes" \(did you mean readBytes\?\)/,
    );
    await expect(stream.tailBounded(0, BOUNDS)).rejects.toThrow(StreamArgumentError);
  });
});

describe('cutText', () => {
  it('cuts after the first characters, counting code points, and says so of text already shortened', () => {
    expect(cutText('naïve', 3)).toBe('naï…');
    expect(cutText('naïve', 5)).toBe('naïve');
    expect(cutText('😀😀😀', 2)).toBe('😀😀…');
    expect(cutText('😀😀', 2)).toBe('😀😀');
    expect(cutText('😀😀', 2, true)).toBe('😀😀…');
    expect(cutText('字'.repeat(1_000), 1_000)).toBe('字'.repeat(1_000));
  });
});

describe('DeadLetters.newestBounded', () => {
  it('returns letters written by send() as newest() does', async () => {
    const { stream, deadLetters } = setUp();
    for (let n = 0; n < 5; n++) {
      const id = await stream.produce('order.created', { order_id: `o-${n}` });
      const [entry] = await stream.replay(id, id, 1);
      await deadLetters.send(id, {
        group: 'g',
        consumer: 'w',
        deliveryCount: n === 0 ? null : n,
        reason: 'boom',
        fields: n === 1 ? null : (entry?.fields ?? null),
        stillPending: false,
      });
    }
    const whole = await deadLetters.newest(50);
    const bounded = await deadLetters.newestBounded(50, BOUNDS);
    expect(bounded).toEqual({ entries: whole, stoppedShort: false });
    expect(JSON.stringify(bounded.entries)).toBe(JSON.stringify(whole));
    const before = await deadLetters.newestBounded(2, BOUNDS, whole[1]?.id);
    expect(before.entries).toEqual(whole.slice(2, 4));
  });

  it("cuts a letter's original ID, group, consumer and reason, and its payload, counting each; its own ID is whole", async () => {
    const { deadLetters, redis } = setUp();
    const huge = (prefix: string) => `${prefix}${'R'.repeat(1024 * 1024)}`;
    const id = await redis.xadd(
      deadLetters.key,
      '*',
      ...['dlq_original_id', huge('1-0'), 'dlq_group', huge('g'), 'dlq_consumer', huge('c')],
      ...['dlq_delivery_count', '5', 'dlq_reason', huge(''), 'dlq_ts_ms', '7'],
      ...['type', 'order.created', 'body', MEGABYTE],
    );
    const [letter] = (await deadLetters.newestBounded(1, BOUNDS)).entries;
    expect(letter).toEqual({
      id,
      originalId: firstChars(huge('1-0')),
      group: firstChars(huge('g')),
      consumer: firstChars(huge('c')),
      deliveryCount: 5,
      reason: firstChars(huge('')),
      ts: 7,
      fields: { type: 'order.created', body: firstChars(MEGABYTE) },
      cut: { fields: 0, values: 5 },
    });
  });

  it('keeps the first 100 fields of a payload, one too wide for a script (held as JSON) too', async () => {
    const { stream, deadLetters, redis } = setUp();
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, n) => [`f${n}`, `v${n}`]));
    const id = await stream.produce('order.wide', wide);
    await deadLetters.send(id, { group: 'g', consumer: 'w', deliveryCount: 5, reason: 'x', fields: null });
    const [entry] = await stream.replay(id, id, 1);
    await deadLetters.send(id, {
      group: 'g',
      consumer: 'w',
      deliveryCount: 5,
      reason: 'x',
      fields: entry?.fields ?? null,
      stillPending: false,
    });
    // A letter another client wrote, whose payload field of that name holds an object: it is payload.
    await redis.xadd(deadLetters.key, '*', ...letterMeta('9-0'), 'dlq_fields_json', '{"a":"b"}');
    const [object, widened, trimmed] = (await deadLetters.newestBounded(3, BOUNDS)).entries;
    expect(object?.fields).toEqual({ dlq_fields_json: '{"a":"b"}' });
    expect(Object.keys(widened?.fields ?? {})).toEqual([
      'type',
      'ts_ms',
      ...Array.from({ length: 98 }, (_, n) => `f${n}`),
    ]);
    expect(widened?.cut).toEqual({ fields: 4_902, values: 0 });
    expect(trimmed?.fields).toEqual({});
    expect(trimmed?.cut).toBeUndefined();
  });

  it('stops within its bounds, naming by its ID each letter it returns', async () => {
    const { deadLetters, redis } = setUp();
    const ids: string[] = [];
    for (let n = 0; n < 5; n++)
      ids.unshift((await redis.xadd(deadLetters.key, '*', ...letterMeta(`${n}-1`), 'body', MEGABYTE)) ?? '');
    const read = await deadLetters.newestBounded(5, { ...BOUNDS, readBytes: 2 * 1024 * 1024 });
    expect(read.entries.map((letter) => letter.id)).toEqual(ids.slice(0, 2));
    expect(read.stoppedShort).toBe(true);
    const next = await deadLetters.newestBounded(5, BOUNDS, read.entries.at(-1)?.id);
    expect(next.entries.map((letter) => letter.id)).toEqual(ids.slice(2));
  });
});
