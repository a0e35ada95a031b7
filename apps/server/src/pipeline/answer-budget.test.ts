import { DeadLetters, EventStream } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_BUDGET_CHARS, deadLettersWithinBudget, replayWithinBudget } from './answer-budget.js';

const redisSuite = usePrivateRedis();

describe('replayWithinBudget', () => {
  let stream: EventStream;
  let ids: string[];
  const big = 'x'.repeat(300_000);

  // 60 entries, every tenth a small one; the rest carry 300,000 characters each (about 18 MB in all).
  beforeAll(async () => {
    stream = new EventStream({
      connection: redisSuite.redis,
      streamKey: uniqueStreamKey('replay'),
      maxlenApprox: null,
    });
    ids = await stream.produceBatch(
      Array.from({ length: 60 }, (_, n) => ({
        type: 't',
        payload: { n, body: n % 10 === 0 ? 'small' : big },
      })),
    );
  });

  it('stops before the entry that would take the answer past the budget, and says where to go on from', async () => {
    const first = await replayWithinBudget(stream, '-', '+', 500);
    expect(first.entries.length).toBeLessThan(60);
    const chars = first.entries.reduce((sum, entry) => sum + (entry.fields.body?.length ?? 0), 0);
    expect(chars).toBeLessThanOrEqual(ANSWER_BUDGET_CHARS);
    expect(first.stoppedBefore).toBe(ids[first.entries.length]);

    // Replayed from there, page after page, every entry comes exactly once, in order.
    const seen = first.entries.map((entry) => entry.id);
    let from = first.stoppedBefore;
    while (from !== null) {
      const next = await replayWithinBudget(stream, from, '+', 500);
      seen.push(...next.entries.map((entry) => entry.id));
      from = next.stoppedBefore;
    }
    expect(seen).toEqual(ids);
  });

  it('reads past its page size to the count asked, and reports nothing left out when all fit', async () => {
    const small = await replayWithinBudget(stream, '-', '+', 500, 1_000_000_000);
    expect(small).toEqual({ entries: expect.any(Array), stoppedBefore: null });
    expect(small.entries.map((entry) => entry.id)).toEqual(ids);
    const bounded = await replayWithinBudget(stream, '-', `(${ids[40]}`, 500, 1_000_000_000);
    expect(bounded.entries.map((entry) => entry.id)).toEqual(ids.slice(0, 40));
    const counted = await replayWithinBudget(stream, '-', '+', 33, 1_000_000_000);
    expect(counted.entries).toHaveLength(33);
    expect(counted.stoppedBefore).toBeNull();
  });

  it('always answers with the first entry, however large', async () => {
    const one = await replayWithinBudget(stream, ids[1] as string, '+', 500, 10);
    expect(one.entries.map((entry) => entry.id)).toEqual([ids[1]]);
    expect(one.stoppedBefore).toBe(ids[2]);
  });
});

describe('deadLettersWithinBudget', () => {
  let deadLetters: DeadLetters;
  /** Newest first, as they are listed. */
  let ids: string[];
  // 150 fields of 2,000 characters: about 300,000 characters each, about 100,000 as the page is sent it.
  const wide = Array.from({ length: 150 }, (_, n) => [`f${n}`, String(n % 10).repeat(2_000)]).flat();

  // 60 letters another application wrote, every tenth a small one; the rest wide and long (about 18 MB in all).
  beforeAll(async () => {
    const { redis } = redisSuite;
    const stream = new EventStream({ connection: redis, streamKey: uniqueStreamKey('dlq-budget') });
    deadLetters = new DeadLetters(stream);
    ids = [];
    for (let n = 0; n < 60; n++) {
      const id = await redis.xadd(
        deadLetters.key,
        '*',
        ...['dlq_original_id', `${n + 1}-0`, 'dlq_group', 'billing', 'dlq_consumer', 'worker-a'],
        ...['dlq_delivery_count', '5', 'dlq_reason', 'handler failed', 'dlq_ts_ms', '1'],
        ...(n % 10 === 0 ? ['type', 'small'] : wide),
      );
      ids.unshift(id as string);
    }
  });

  const listAll = async (count: number, budgetChars?: number) => {
    const pages: { ids: string[]; stoppedBefore: string | null }[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await deadLettersWithinBudget(deadLetters, count, before, budgetChars);
      pages.push({ ids: page.entries.map((letter) => letter.id), stoppedBefore: page.stoppedBefore });
      const last = page.entries.at(-1);
      if (last === undefined || (page.stoppedBefore === null && page.entries.length < count)) return pages;
      before = last.id;
    }
  };

  it('sends each letter bounded, and stops before the one that would take the answer past the budget', async () => {
    const first = await deadLettersWithinBudget(deadLetters, 500, undefined);
    expect(first.entries.length).toBeGreaterThan(1);
    expect(first.entries.length).toBeLessThan(60);
    expect(JSON.stringify(first).length).toBeLessThan(ANSWER_BUDGET_CHARS * 1.1);
    expect(first.stoppedBefore).toBe(ids[first.entries.length]);
    const bounded = first.entries.find((letter) => letter.cut !== undefined);
    expect(Object.keys(bounded?.fields ?? {})).toHaveLength(100);
    expect(bounded?.fields.f1).toBe(`${'1'.repeat(1_000)}…`);
    expect(bounded?.cut).toEqual({ fields: 50, values: 100 });
    expect(first.entries[0]).toMatchObject({
      originalId: '60-0',
      group: 'billing',
      reason: 'handler failed',
    });
  });

  it('pages on from the last letter listed past every stop, each letter exactly once, newest first', async () => {
    const pages = await listAll(500);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((page) => page.ids)).toEqual(ids);
    // Each stop named the letter the next page began with.
    pages.slice(0, -1).forEach((page, at) => {
      expect(page.stoppedBefore).toBe(pages[at + 1]?.ids[0]);
    });
    expect(pages.at(-1)?.stoppedBefore).toBeNull();

    // A budget that takes a letter or two at a time, and a count smaller than a read, page the same way.
    expect((await listAll(7, 150_000)).flatMap((page) => page.ids)).toEqual(ids);
  });

  it('reads past its page size to the count asked, and reports nothing left out when all fit', async () => {
    const all = await deadLettersWithinBudget(deadLetters, 500, undefined, 1_000_000_000);
    expect(all.entries.map((letter) => letter.id)).toEqual(ids);
    expect(all.stoppedBefore).toBeNull();
    const counted = await deadLettersWithinBudget(deadLetters, 33, ids[0], 1_000_000_000);
    expect(counted.entries.map((letter) => letter.id)).toEqual(ids.slice(1, 34));
    expect(counted.stoppedBefore).toBeNull();
  });

  it('always answers with the first letter, however large', async () => {
    const one = await deadLettersWithinBudget(deadLetters, 500, ids[0], 10);
    expect(one.entries.map((letter) => letter.id)).toEqual([ids[1]]);
    expect(one.stoppedBefore).toBe(ids[2]);
  });
});
