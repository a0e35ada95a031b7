import { describe, expect, it } from 'vitest';
import type { HistoryPoint } from '../store/history';
import { chartPoints } from './chart-points';

const point = (at: number): HistoryPoint => ({ at, producedPerSec: at, groups: {} });

describe('chartPoints', () => {
  it('keeps the last point of each clock second, in order', () => {
    const history = [1000, 1250, 1500, 1750, 2000, 2250, 3900].map(point);
    expect(chartPoints(history).map((p) => p.at)).toEqual([1750, 2250, 3900]);
  });

  it('keeps a finished second the same as the window slides on', () => {
    const history = [1000, 1250, 1500, 1750, 2000, 2250, 2500].map(point);
    const before = chartPoints(history.slice(0, 6));
    const after = chartPoints(history.slice(1));
    expect(before[0]).toBe(after[0]);
    expect(chartPoints([])).toEqual([]);
  });
});
