import { describe, expect, it } from 'vitest';
import { fetchInRequests, olderPagesRefresh } from './older-pages-refresh';

interface Request {
  before: string;
  through: string;
  answer: (entries: readonly string[]) => Promise<void>;
  fail: () => Promise<void>;
}

/** A refresher whose requests wait until the test answers them, one by one. */
function harness(oldestShown: string | null = '1-0') {
  const requests: Request[] = [];
  const applied: (readonly string[])[] = [];
  const shown: { oldest: string | undefined } = { oldest: oldestShown ?? undefined };
  const refresh = olderPagesRefresh<string>({
    oldest: () => shown.oldest,
    fetch: (before, through) =>
      new Promise((resolve, reject) => {
        // Settling is followed by a few microtask turns, so the refresher's then/finally have run when it returns.
        const settled = () => new Promise<void>((done) => setTimeout(done, 0));
        requests.push({
          before,
          through,
          answer: (entries) => {
            resolve(entries);
            return settled();
          },
          fail: () => {
            reject(new Error('offline'));
            return settled();
          },
        });
      }),
    apply: (entries) => applied.push(entries),
  });
  return { refresh, requests, applied, shown };
}

describe('olderPagesRefresh', () => {
  it('keeps one request out at a time however often the live list moves, then asks from where it ends by then', async () => {
    const { refresh, requests, applied } = harness();
    refresh.follow('10-0');
    refresh.follow('11-0');
    refresh.follow('12-0');
    refresh.follow('13-0');
    expect(requests.map((request) => request.before)).toEqual(['10-0']);

    await requests[0]?.answer(['9-0']);
    // The answer began at an end the live list has left: it is not shown, and the one request that follows
    // asks from the newest end, skipping those in between.
    expect(applied).toEqual([]);
    expect(requests.map((request) => request.before)).toEqual(['10-0', '13-0']);

    await requests[1]?.answer(['12-0']);
    expect(applied).toEqual([['12-0']]);
    expect(requests).toHaveLength(2);
  });

  it('shows an answer when the live list has not moved meanwhile, and asks no more', async () => {
    const { refresh, requests, applied } = harness('8-0');
    refresh.follow('10-0');
    expect(requests).toMatchObject([{ before: '10-0', through: '8-0' }]);
    await requests[0]?.answer(['9-0', '8-0']);
    expect(applied).toEqual([['9-0', '8-0']]);
    expect(requests).toHaveLength(1);
  });

  it('drops an answer down to a letter no longer the oldest shown (the user loaded another page), and asks again down to the new one', async () => {
    const { refresh, requests, applied, shown } = harness('9-0');
    refresh.follow('10-0');
    shown.oldest = '8-0'; // "Show 100 older" answered while the refresh was out
    await requests[0]?.answer(['9-0']);
    expect(applied).toEqual([]);
    expect(requests).toMatchObject([
      { before: '10-0', through: '9-0' },
      { before: '10-0', through: '8-0' },
    ]);
    await requests[1]?.answer(['9-0', '8-0']);
    expect(applied).toEqual([['9-0', '8-0']]);
    expect(requests).toHaveLength(2);
  });

  it('frees the slot when a request fails, applying nothing', async () => {
    const { refresh, requests, applied } = harness();
    refresh.follow('10-0');
    refresh.follow('11-0');
    await requests[0]?.fail();
    expect(requests.map((request) => request.before)).toEqual(['10-0', '11-0']);
    await requests[1]?.fail();
    expect(applied).toEqual([]);

    refresh.follow('12-0');
    expect(requests.map((request) => request.before)).toEqual(['10-0', '11-0', '12-0']);
  });

  it('asks nothing while no older page is loaded or the live list is empty', () => {
    const none = harness(null);
    none.refresh.follow('10-0');
    expect(none.requests).toEqual([]);

    const empty = harness();
    empty.refresh.follow(undefined);
    expect(empty.requests).toEqual([]);
  });
});

describe('fetchInRequests', () => {
  const letters = (from: number, count: number) =>
    Array.from({ length: count }, (_, n) => ({ id: `${from - n}-0` }));
  const page = (entries: { id: string }[], stoppedBefore: string | null = null) => ({
    entries,
    stoppedBefore,
  });

  it('asks in requests of at most dlqListMax, each from where the last ended, down to the letter given', async () => {
    const asked: [string, number][] = [];
    const got = await fetchInRequests(
      async (before, count) => {
        asked.push([before, count]);
        return page(letters(Number(before.split('-')[0]) - 1, count));
      },
      '10000-0',
      { through: '8800-0', max: 2_000 },
    );
    expect(asked).toEqual([
      ['10000-0', 500],
      ['9500-0', 500],
      ['9000-0', 500],
    ]);
    expect(got).toHaveLength(1_200);
    expect(got.at(-1)?.id).toBe('8800-0');
  });

  it('keeps no more than max, the newest', async () => {
    const got = await fetchInRequests(
      async (before, count) => page(letters(Number(before.split('-')[0]) - 1, count)),
      '10000-0',
      { through: '1-0', max: 700 },
    );
    expect(got).toHaveLength(700);
    expect(got.at(-1)?.id).toBe('9300-0');
  });

  it('stops at the oldest letter', async () => {
    const asked: number[] = [];
    const got = await fetchInRequests(
      async (_before, count) => {
        asked.push(count);
        return page(letters(100, Math.min(count, 30)));
      },
      '101-0',
      { through: '1-0', max: 700 },
    );
    expect(asked).toEqual([500]);
    expect(got).toHaveLength(30);
  });

  it('goes on past an answer the server stopped short for its size, from its last letter, skipping and repeating none', async () => {
    const asked: [string, number][] = [];
    const got = await fetchInRequests(
      async (before, count) => {
        asked.push([before, count]);
        // Each answer stops after 7 letters, naming the next, until the oldest (1-0).
        const newest = Number(before.split('-')[0]) - 1;
        const entries = letters(newest, Math.min(count, 7, newest));
        const next = newest - entries.length;
        return page(entries, entries.length < count && next > 0 ? `${next}-0` : null);
      },
      '101-0',
      { through: '71-0', max: 2_000 },
    );
    expect(asked).toEqual([
      ['101-0', 500],
      ['94-0', 500],
      ['87-0', 500],
      ['80-0', 500],
      ['73-0', 500],
    ]);
    expect(got.map((letter) => letter.id)).toEqual(letters(100, 30).map((letter) => letter.id));

    // Stopped short near the oldest, it still ends there.
    const tail = await fetchInRequests(
      async (before, count) => {
        const newest = Number(before.split('-')[0]) - 1;
        const entries = letters(newest, Math.min(count, 7, newest));
        const next = newest - entries.length;
        return page(entries, entries.length < count && next > 0 ? `${next}-0` : null);
      },
      '11-0',
      { through: '1-0', max: 100 },
    );
    expect(tail.map((letter) => letter.id)).toEqual(letters(10, 10).map((letter) => letter.id));
  });
});
