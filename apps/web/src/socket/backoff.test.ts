import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  it('doubles from 250 ms and stops at 5 s', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 30].map((failures) => reconnectDelay(failures, () => 1));
    expect(ceilings).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('jitters within the upper half of the ceiling', () => {
    expect(reconnectDelay(1, () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(reconnectDelay(99, () => 0)).toBe(BACKOFF_CAP_MS / 2);
    expect(reconnectDelay(3, () => 0.5)).toBe(750);
  });
});
