import { describe, expect, it } from 'vitest';
import {
  appendHistory,
  HISTORY_MAX_POINTS,
  HISTORY_WINDOW_MS,
  type HistoryPoint,
  mergeHistory,
} from './history.js';

const point = (at: number): HistoryPoint => ({ at, producedPerSec: at, groups: {} });
const build = (ats: readonly number[]) =>
  ats.reduce<HistoryPoint[]>((history, at) => appendHistory(history, point(at)), []);

describe('appendHistory', () => {
  it('keeps the last point of each clock second, in order', () => {
    expect(build([1000, 1250, 1500, 1750, 2000, 2250, 3900]).map((p) => p.at)).toEqual([1750, 2250, 3900]);
  });

  it('keeps a finished second the same object as the window slides on', () => {
    const before = build([1000, 1500, 2000]);
    const after = appendHistory(before, point(2500));
    expect(after[0]).toBe(before[0]);
  });

  it('keeps only the rolling window, and at most one point per second of it', () => {
    const history = build(Array.from({ length: HISTORY_WINDOW_MS / 250 + 100 }, (_, i) => i * 250));
    const newest = history.at(-1)?.at ?? 0;
    expect(history[0]?.at).toBeGreaterThanOrEqual(newest - HISTORY_WINDOW_MS);
    expect(history.length).toBeLessThanOrEqual(HISTORY_MAX_POINTS);
  });

  it('starts over when the clock goes back (a restarted server)', () => {
    expect(appendHistory(build([5_000, 6_000]), point(1_000)).map((p) => p.at)).toEqual([1_000]);
  });
});

describe('mergeHistory', () => {
  it("puts the page's older points in front of the server's, which win from their first second on", () => {
    const local = build([1_000, 2_000, 3_000, 4_000]);
    const fromServer = build([3_500, 4_200, 5_000]);
    expect(mergeHistory(local, fromServer).map((p) => p.at)).toEqual([1_000, 2_000, 3_500, 4_200, 5_000]);
  });

  it('keeps the page’s points when the server has none, and drops what is out of the window', () => {
    const local = build([1_000, 2_000]);
    expect(mergeHistory(local, [])).toEqual(local);
    const fromServer = [point(HISTORY_WINDOW_MS + 1_500)];
    expect(mergeHistory(local, fromServer).map((p) => p.at)).toEqual([2_000, HISTORY_WINDOW_MS + 1_500]);
  });
});
