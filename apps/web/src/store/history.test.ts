import { describe, expect, it } from 'vitest';
import { appendHistory, HISTORY_MAX_POINTS, HISTORY_WINDOW_MS, type HistoryPoint } from './history';

const point = (at: number): HistoryPoint => ({ at, producedPerSec: 0, groups: {} });

describe('appendHistory', () => {
  it('keeps only the rolling window', () => {
    let history: HistoryPoint[] = [];
    for (let at = 0; at <= HISTORY_WINDOW_MS + 10_000; at += 1_000)
      history = appendHistory(history, point(at));
    expect(history[0]?.at).toBe(10_000);
    expect(history.at(-1)?.at).toBe(HISTORY_WINDOW_MS + 10_000);
  });

  it('caps the number of points even inside the window', () => {
    let history: HistoryPoint[] = [];
    for (let at = 0; at < HISTORY_MAX_POINTS + 50; at += 1) history = appendHistory(history, point(at));
    expect(history).toHaveLength(HISTORY_MAX_POINTS);
    expect(history.at(-1)?.at).toBe(HISTORY_MAX_POINTS + 49);
  });

  it('starts over when the clock goes back (a restarted server)', () => {
    const history = appendHistory([point(5_000), point(6_000)], point(1_000));
    expect(history.map((p) => p.at)).toEqual([1_000]);
  });
});
