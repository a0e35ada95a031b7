import { describe, expect, it } from 'vitest';
import { pastNewestReason } from './index.js';

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
