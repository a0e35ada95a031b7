import { describe, expect, it } from 'vitest';
import { nextPageStart, rangeReversed, replayRange } from './replay-range';

describe('replayRange', () => {
  it("takes a blank Start as the stream's start and a blank End as its end", () => {
    expect(replayRange('', '')).toEqual({ start: '-', end: '+' });
    expect(replayRange('  ', '1716998413541-0')).toEqual({ start: '-', end: '1716998413541-0' });
    expect(replayRange('(1716998413541-0', ' ')).toEqual({ start: '(1716998413541-0', end: '+' });
  });

  it('leaves what was typed as it is, spaces round it dropped, for the server to refuse if it is no bound', () => {
    expect(replayRange(' 1716998413541 ', '+')).toEqual({ start: '1716998413541', end: '+' });
    expect(replayRange('yesterday', '+')).toEqual({ start: 'yesterday', end: '+' });
  });
});

describe('nextPageStart', () => {
  const entries = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ id: `1716998413541-${index}` }));

  it('goes on from just after the last entry shown when the replay filled its limit', () => {
    expect(nextPageStart(entries(50), 50)).toBe('(1716998413541-49');
  });

  it('offers no next page when the replay gave fewer than its limit, having reached its end', () => {
    expect(nextPageStart(entries(12), 50)).toBeNull();
    expect(nextPageStart([], 50)).toBeNull();
    expect(nextPageStart([], 0)).toBeNull();
  });
});

describe('rangeReversed', () => {
  it('tells a range that runs backwards, which XRANGE reads as empty', () => {
    expect(rangeReversed({ start: '+', end: '-' })).toBe(true);
    expect(rangeReversed({ start: '1700000000001-0', end: '1700000000000-5' })).toBe(true);
    expect(rangeReversed({ start: '(9-0', end: '10-0' })).toBe(false);
    expect(rangeReversed({ start: '10-0', end: '9' })).toBe(true);
  });

  it('takes the ends, an ID of milliseconds alone and one range of one ID as forward', () => {
    for (const [start, end] of [
      ['-', '+'],
      ['+', '+'],
      ['-', '-'],
      ['1700000000000', '1700000000000'],
      ['1700000000000-5', '+'],
      ['-', '1700000000000-5'],
      ['1700000000000-5', '1700000000000-5'],
    ] as const)
      expect(rangeReversed({ start, end })).toBe(false);
  });
});
