import { describe, expect, it } from 'vitest';
import { compareStreamIds } from './stream-ids';

describe('compareStreamIds', () => {
  it('orders by milliseconds, then sequence, numerically', () => {
    const ids = ['10-0', '9-0', '10-10', '10-2', '1716998413541-0'];
    expect([...ids].sort(compareStreamIds)).toEqual(['9-0', '10-0', '10-2', '10-10', '1716998413541-0']);
    expect(compareStreamIds('5-1', '5-1')).toBe(0);
  });
});
