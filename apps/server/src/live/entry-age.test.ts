import { describe, expect, it } from 'vitest';
import { entryAgeMs } from './snapshot-builder.js';

describe('entryAgeMs', () => {
  it("is the time since the entry's ID was made", () => {
    const now = Date.UTC(2026, 10, 27, 12);
    expect(entryAgeMs(`${now - 1_500}-3`, now)).toBe(1_500);
    // An ID a little ahead of this clock (another host's) is no younger than new.
    expect(entryAgeMs(`${now + 20}-0`, now)).toBe(0);
  });

  it('is unknown for IDs that hold no time, as explicit IDs of another client', () => {
    expect(entryAgeMs('1-1', Date.now())).toBeNull();
    expect(entryAgeMs('20261127-42', Date.now())).toBeNull();
  });
});
