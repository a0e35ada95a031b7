import { describe, expect, it } from 'vitest';
import { timeTicks } from './time-ticks';

describe('timeTicks', () => {
  it('puts a handful of ticks on round clock times inside the range', () => {
    const first = Date.UTC(2026, 10, 26, 3, 20, 49, 300);
    const last = first + 5 * 60_000;
    const ticks = timeTicks(first, last);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const tick of ticks) {
      expect(tick % 60_000).toBe(0);
      expect(tick).toBeGreaterThanOrEqual(first);
      expect(tick).toBeLessThanOrEqual(last);
    }
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  it('uses seconds for a short window and nothing for an empty one', () => {
    const first = 1_000_000_000_500;
    // 12.5 s is within half a step of the end: its label would be cut off.
    expect(timeTicks(first, first + 12_000)).toEqual([
      1_000_000_002_000, 1_000_000_004_000, 1_000_000_006_000, 1_000_000_008_000, 1_000_000_010_000,
    ]);
    expect(timeTicks(first, first)).toEqual([]);
    expect(timeTicks(Number.NaN, first)).toEqual([]);
  });
});
