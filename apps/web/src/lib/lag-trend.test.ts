import type { HistoryPoint } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { describeLagTrend, LAG_TREND_WINDOW_MS, lagRates, lagTrend } from './lag-trend';

/** One point a second, the group's lag at each given by `lagAt(second)`. */
const history = (seconds: number, lagAt: (second: number) => number | null): HistoryPoint[] =>
  Array.from({ length: seconds }, (_, second) => ({
    at: 1_000_000 + second * 1000,
    producedPerSec: 0,
    groups: { g: { deliveredPerSec: 0, ackedPerSec: 0, pending: 0, lag: lagAt(second) } },
  }));

describe('lag trend', () => {
  it('says when a shrinking lag will be gone, at the pace it shrank', () => {
    const trend = lagTrend(
      history(20, (s) => 1000 - 40 * s),
      'g',
      240,
    );
    expect(trend).toMatchObject({ kind: 'catching-up', perSec: expect.closeTo(40, 6) });
    expect(trend.kind === 'catching-up' && trend.etaMs).toBeCloseTo(6000, -1);
    expect(describeLagTrend(trend).text).toBe('in ~6 s');
  });

  it('says a group with no consumer is not reading, though its lag fell (its cursor moved by hand)', () => {
    const moved = history(20, (s) => (s < 15 ? 2000 + 30 * s : 60 + 30 * (s - 15)));
    expect(lagTrend(moved, 'g', 180, 0, false)).toEqual({ kind: 'not-reading' });
    expect(lagTrend(moved, 'g', 0, 0, false)).toEqual({ kind: 'caught-up' });
  });

  it('tells a growing lag from one that stands still, through bursts', () => {
    // A producer in bursts: up and down, but up by 10 a second over the window.
    const bursts = (s: number) => 100 + 10 * s + (s % 2 === 0 ? 5 : -5);
    const growing = lagTrend(history(30, bursts), 'g', 400);
    expect(growing).toMatchObject({ kind: 'falling-behind', perSec: expect.closeTo(10, 0) });
    expect(describeLagTrend(growing).text).toBe('behind +10/s');
    expect(
      lagTrend(
        history(30, () => 500),
        'g',
        500,
      ),
    ).toEqual({ kind: 'steady' });
  });

  it('judges only the last window, and needs a few seconds of it', () => {
    // Growing long ago, shrinking for the last window.
    const seconds = LAG_TREND_WINDOW_MS / 1000 + 60;
    const turned = history(seconds, (s) => (s < 60 ? 100 * s : 6000 - 50 * (s - 60)));
    expect(lagTrend(turned, 'g', 5500).kind).toBe('catching-up');
    const young = history(3, (s) => 100 - s * 10);
    expect(lagTrend(young, 'g', 80)).toEqual({ kind: 'unknown' });
  });

  it('leaves out what came before the stream was made again: that lag was another stream’s', () => {
    const reset = history(30, (s) => (s < 25 ? 2000 - 50 * s : 10 * (s - 25)));
    const since = reset[25]?.at;
    expect(lagTrend(reset, 'g', 40).kind).toBe('catching-up');
    expect(lagTrend(reset, 'g', 40, since).kind).toBe('falling-behind');
    expect(lagTrend(reset, 'g', 40, reset[27]?.at).kind).toBe('unknown');
  });

  it('leaves out what came before a group of the same name was deleted: that lag was another group’s', () => {
    // Falling behind until deleted at second 20, made again at 27: the new one is too young to judge.
    const recreated = history(30, (s) => 100 * s).map((point, second) =>
      second >= 20 && second < 27 ? { ...point, groups: {} } : point,
    );
    expect(lagTrend(recreated, 'g', 2900)).toEqual({ kind: 'unknown' });
    expect(lagTrend(recreated.slice(0, 20), 'g', 1900).kind).toBe('falling-behind');
  });

  it('is caught up at no lag, and unknown where Redis cannot tell it', () => {
    const shrinking = history(20, (s) => 100 - 5 * s);
    expect(lagTrend(shrinking, 'g', 0)).toEqual({ kind: 'caught-up' });
    expect(lagTrend(shrinking, 'g', null)).toEqual({ kind: 'unknown' });
    // Samples Redis could not tell are left out, not read as 0.
    const gaps = history(20, (s) => (s % 2 === 0 ? null : 300));
    expect(lagTrend(gaps, 'g', 300)).toEqual({ kind: 'steady' });
    expect(lagTrend(shrinking, 'other', 5)).toEqual({ kind: 'unknown' });
  });
});

/** One point a second with Redis's counters: entries added and the group's entries read by each second. */
const counted = (
  seconds: number,
  addedAt: (second: number) => number,
  readAt: (second: number) => number,
  lagAt: (second: number) => number = (second) => addedAt(second) - readAt(second),
): HistoryPoint[] =>
  Array.from({ length: seconds }, (_, second) => ({
    at: 1_000_000 + second * 1000,
    producedPerSec: 0,
    entriesAdded: addedAt(second),
    groups: {
      g: { deliveredPerSec: 0, ackedPerSec: 0, pending: 0, lag: lagAt(second), entriesRead: readAt(second) },
    },
  }));

describe('lag trend from what Redis counts', () => {
  it('says when the lag is gone from how fast the group reads against how fast entries arrive', () => {
    // The producer stopped 3 s ago: within the 5 s look, its appends still outrun the group's 40 reads a second.
    const points = counted(
      20,
      (s) => Math.min(s, 17) * 2000,
      (s) => s * 40,
    );
    const trend = lagTrend(points, 'g', 1945);
    expect(trend).toMatchObject({ kind: 'falling-behind' });
    // Stopped for longer: only the reads count, 1,945 at 40 a second.
    const stopped = counted(
      20,
      () => 34_000,
      (s) => s * 40,
    );
    const eta = lagTrend(stopped, 'g', 1945);
    expect(eta).toMatchObject({ kind: 'catching-up', perSec: 40 });
    expect(describeLagTrend(eta).text).toBe('in ~49 s');
  });

  it('says a group whose lag is under a second of arrivals keeps up, however its batched reads swing', () => {
    // 5,000/s arriving; reads in batches, a little behind over the window, the lag between 0 and 100.
    const points = Array.from({ length: 10 }, (_, second) => ({
      at: 1_000_000 + second * 1000,
      producedPerSec: 5_000,
      entriesAdded: 5_000 * second,
      groups: {
        g: {
          deliveredPerSec: 0,
          ackedPerSec: 0,
          pending: 0,
          lag: 60,
          entriesRead: 5_000 * second - 17 * second,
        },
      },
    })) as HistoryPoint[];
    const trend = lagTrend(points, 'g', 80);
    expect(trend.kind).toBe('keeping-up');
    expect(describeLagTrend(trend).text).toBe('keeping up');
    // Five seconds of arrivals behind and growing is falling behind, as ever.
    expect(lagTrend(points, 'g', 25_000).kind).toBe('falling-behind');
  });

  it('is not reading when nothing is delivered, even as trimming shrinks the lag', () => {
    const trimmed = counted(
      20,
      (s) => s * 10,
      () => 0,
      (s) => 2000 - s * 30,
    );
    const trend = lagTrend(trimmed, 'g', 1400);
    expect(trend).toEqual({ kind: 'not-reading' });
    expect(describeLagTrend(trend).text).toBe('not reading');
  });

  it('says by how much a group reading slower than entries arrive falls behind, trimmed or not', () => {
    // MAXLEN holds the lag flat while 1,960 a second are trimmed unread.
    const flat = counted(
      20,
      (s) => s * 2000,
      (s) => s * 40,
      () => 2000,
    );
    const trend = lagTrend(flat, 'g', 2000);
    expect(trend).toMatchObject({ kind: 'falling-behind', perSec: 1960 });
    expect(describeLagTrend(trend).hint).toMatch(/read 40\/s while entries arrived at 2,000\/s/);
  });

  it('starts over where a counter went back (a cursor moved back), and falls back on the lag without counters', () => {
    const movedBack = counted(
      20,
      () => 5000,
      (s) => (s < 15 ? 4000 + s * 10 : s * 10),
    );
    expect(lagRates(movedBack, 'g')).toEqual({ readPerSec: 10, addedPerSec: 0 });
    const young = counted(
      20,
      () => 5000,
      (s) => (s < 18 ? 4000 : s * 10),
    );
    expect(lagRates(young, 'g')).toBeNull();
  });
});

describe('lag trend of a group whose entries-read Redis does not know', () => {
  const uncounted = (seconds: number, cursorAt: (second: number) => string): HistoryPoint[] =>
    Array.from({ length: seconds }, (_, second) => ({
      at: 1_000_000 + second * 1000,
      producedPerSec: 200,
      entriesAdded: second * 200,
      groups: {
        g: {
          deliveredPerSec: 0,
          ackedPerSec: 0,
          pending: 0,
          lag: 100 + second * 200,
          entriesRead: null,
          lastDeliveredId: cursorAt(second),
        },
      },
    }));

  it('is not reading while its cursor stands still, and judged by its lag while the cursor moves', () => {
    expect(
      lagTrend(
        uncounted(20, () => '5-0'),
        'g',
        4000,
      ),
    ).toEqual({ kind: 'not-reading' });
    expect(
      lagTrend(
        uncounted(20, (s) => `${s}-0`),
        'g',
        4000,
      ),
    ).toMatchObject({ kind: 'falling-behind' });
  });
});
