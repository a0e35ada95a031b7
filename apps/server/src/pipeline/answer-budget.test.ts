import { EventStream } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_BUDGET_CHARS, replayWithinBudget } from './answer-budget.js';

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
