import { describe, expect, it } from 'vitest';
import { formatClock, formatClockMs } from './format';

describe('clock formatting', () => {
  it('formats a time of day, with milliseconds where asked', () => {
    const at = new Date(2026, 10, 26, 4, 5, 6, 7).getTime();
    expect(formatClock(at)).toBe('04:05:06');
    expect(formatClockMs(at)).toBe('04:05:06.007');
  });

  it('says so, rather than throwing, for a time no Date can hold (a stream ID of 9e15 ms, say)', () => {
    for (const ms of [9e15, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatClock(ms)).toBe('out of range');
      expect(formatClockMs(ms)).toBe('out of range');
    }
  });
});
