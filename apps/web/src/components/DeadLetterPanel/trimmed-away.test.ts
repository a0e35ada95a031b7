import { describe, expect, it } from 'vitest';
import { isTrimmedAway, requeueableCount } from './trimmed-away';

const kept = { fields: { type: 'order.paid' } };
const trimmed = { fields: {} };

describe('isTrimmedAway', () => {
  it('is true of a letter without fields only', () => {
    expect(isTrimmedAway(trimmed)).toBe(true);
    expect(isTrimmedAway(kept)).toBe(false);
  });
});

describe('requeueableCount', () => {
  it('counts the letters with fields when the page has them all', () => {
    expect(requeueableCount([kept, trimmed, kept], 3)).toBe(2);
    expect(requeueableCount([trimmed], 1)).toBe(0);
    expect(requeueableCount([], 0)).toBe(0);
  });

  it('is unknown while some letters are not loaded, or before the first snapshot', () => {
    expect(requeueableCount([kept, kept], 3)).toBeNull();
    expect(requeueableCount([], null)).toBeNull();
  });
});
