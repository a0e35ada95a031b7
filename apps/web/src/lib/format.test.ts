import { describe, expect, it } from 'vitest';
import { formatClock, formatClockMs, formatDuration, formatFirstOf } from './format';

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

describe('durations', () => {
  it('cuts each figure down, so the last moments of a second or a minute stay within their unit', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(999.6)).toBe('999 ms');
    expect(formatDuration(4_200)).toBe('4.2 s');
    expect(formatDuration(59_960)).toBe('59.9 s');
    expect(formatDuration(60_000)).toBe('1 m 00 s');
    expect(formatDuration(185_000)).toBe('3 m 05 s');
    expect(formatDuration(7_620_000)).toBe('2 h 07 m');
  });
});

describe('formatFirstOf', () => {
  it('lists the first few and counts the rest', () => {
    expect(formatFirstOf(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 5)).toBe('a, b, c, d, e and 2 more');
    expect(formatFirstOf(['a', 'b'], 5)).toBe('a, b');
    expect(formatFirstOf([], 5)).toBe('');
  });
});
