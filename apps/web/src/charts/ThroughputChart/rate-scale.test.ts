import { describe, expect, it } from 'vitest';
import { rateScale } from './rate-scale';

const lines = [{ key: 'produced' }, { key: 'a0' }, { key: 'a1' }];

describe('rateScale', () => {
  it('stays linear while the rates are of a size, or only one line moves', () => {
    expect(rateScale([{ produced: 30, a0: 29, a1: 31 }], lines)).toEqual({ kind: 'linear' });
    expect(rateScale([{ produced: 3_000, a0: 0, a1: null }], lines)).toEqual({ kind: 'linear' });
    expect(rateScale([], lines)).toEqual({ kind: 'linear' });
  });

  it('goes logarithmic when one peak is twenty times another, ticked at powers of ten past the highest (from 10 over four decades)', () => {
    const data = [
      { produced: 10, a0: 10, a1: 20 },
      { produced: 3_200, a0: 40, a1: 80 },
    ];
    expect(rateScale(data, lines)).toEqual({ kind: 'symlog', ticks: [0, 10, 100, 1_000, 10_000] });
  });

  it('ends its ticks at a power of ten that the highest peak reaches exactly', () => {
    expect(rateScale([{ produced: 1_000, a0: 10, a1: 10 }], lines)).toEqual({
      kind: 'symlog',
      ticks: [0, 1, 10, 100, 1_000],
    });
  });
});
