import { describe, expect, it } from 'vitest';
import { pastNewest, pastNewestReason } from './index.js';

describe('pastNewestReason', () => {
  it('names the newest ID as what it is: the newest entry, an ID whose entry is gone, or none yet', () => {
    expect(pastNewestReason('9-0', { lastGeneratedId: '5-1', lastEntryId: '5-1' })).toBe(
      "9-0 is past the stream's newest ID (its newest entry is 5-1): the group would skip entries not written yet. Use $ to read only entries added from now on",
    );
    expect(pastNewestReason('9-0', { lastGeneratedId: '5-1', lastEntryId: '4-0' })).toMatch(
      /\(the newest ID it generated is 5-1, and that entry is no longer in it\)/,
    );
    expect(pastNewestReason('9-0', { lastGeneratedId: null, lastEntryId: null })).toMatch(
      /\(the stream has no entries yet\)/,
    );
    expect(pastNewestReason('9-0', { lastGeneratedId: '0-0', lastEntryId: null })).toMatch(
      /\(the stream has no entries yet\)/,
    );
  });
});

describe('pastNewest', () => {
  // Numeric on each part, as both callers' comparisons are: 10-0 is after 9-0.
  const compare = (a: string, b: string) => {
    const [am = 0, as = 0] = a.split('-').map(Number);
    const [bm = 0, bs = 0] = b.split('-').map(Number);
    return am - bm || as - bs;
  };
  it('gives the reason only for an ID past the newest generated, an empty stream past 0-0', () => {
    const newest = { lastGeneratedId: '9-1', lastEntryId: '9-1' };
    expect(pastNewest('10-0', newest, compare)).toBe(pastNewestReason('10-0', newest));
    expect(pastNewest('9-1', newest, compare)).toBeNull();
    expect(pastNewest('1-0', { lastGeneratedId: null, lastEntryId: null }, compare)).toMatch(
      /no entries yet/,
    );
  });
});
