import type { HistoryPoint } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { describeLagTrend, LAG_TREND_WINDOW_MS, lagTrend } from './lag-trend';

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
