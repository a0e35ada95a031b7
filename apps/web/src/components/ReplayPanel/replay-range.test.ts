import { describe, expect, it } from 'vitest';
import { nextPageStart, replayRange } from './replay-range';

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
