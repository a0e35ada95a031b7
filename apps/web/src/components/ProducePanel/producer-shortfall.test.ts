import { describe, expect, it } from 'vitest';
import { producerShortfall } from './producer-shortfall';

describe('producerShortfall', () => {
  it('gives the achieved rate when it is well under the target', () => {
    expect(producerShortfall(50_000, 34_210)).toBe(34_210);
  });

  it('is null when the producer keeps up, allowing for one interval of rounding', () => {
    expect(producerShortfall(50_000, 50_400)).toBeNull();
    expect(producerShortfall(30, 28)).toBeNull();
  });
});
