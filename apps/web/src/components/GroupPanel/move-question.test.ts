import { describe, expect, it } from 'vitest';
import { moveConsequence, movePosition, moveRefusal } from './move-question';

const figures = { group: 'notifications', lastDeliveredId: '1700000000000-5', lag: 3, streamLength: 1_204 };

describe('moveConsequence', () => {
  it('says how many entries a move to the start delivers again, and how many it was yet to read', () => {
    expect(moveConsequence('0-0', figures)).toBe(
      'Every entry in the stream is delivered to notifications again: the 1,201 entries up to its cursor (those it processed count as duplicates), and the 3 entries it has not read yet.',
    );
    expect(moveConsequence('0-0', { ...figures, lag: 0, streamLength: 1 })).toBe(
      'Every entry in the stream is delivered to notifications again: the 1 entry up to its cursor (those it processed count as duplicates).',
    );
  });

  it('says so when nothing would be read again, and when Redis gives no lag to count by', () => {
    expect(moveConsequence('0-0', { ...figures, streamLength: 0, lag: 0 })).toBe(
      'The stream is empty: nothing is delivered to notifications again.',
    );
    expect(moveConsequence('0-0', { ...figures, lag: 1_204 })).toBe(
      "notifications has read none of the stream's entries yet: none is delivered again.",
    );
    expect(moveConsequence('0-0', { ...figures, lag: null })).toBe(
      'Every entry in the stream (1,204 entries) is delivered to notifications again, those up to its cursor a second time; those it processed count as duplicates.',
    );
  });

  it('says how many entries a move to the end skips, or that it skips none', () => {
    expect(moveConsequence('$', figures)).toBe(
      'The 3 entries not yet delivered to notifications are skipped, never delivered to it. It reads the entries added from now on.',
    );
    expect(moveConsequence('$', { ...figures, lag: 1 })).toMatch(
      /^The 1 entry not yet delivered to notifications is skipped/,
    );
    expect(moveConsequence('$', { ...figures, lag: 0 })).toBe(
      'Nothing is skipped: notifications has read every entry. It reads the entries added from now on.',
    );
    expect(moveConsequence('$', { ...figures, lag: null })).toMatch(
      /^The entries not yet delivered to notifications \(Redis does not say how many\) are skipped/,
    );
  });

  it('says which way a move to an ID goes from the cursor, comparing IDs as numbers', () => {
    expect(moveConsequence('999999999999-0', figures)).toBe(
      'Back from 1700000000000-5: the entries after 999999999999-0 up to it are delivered to notifications again; those it processed count as duplicates.',
    );
    expect(moveConsequence('1700000000000-10', figures)).toBe(
      'Forward from 1700000000000-5: the entries after it up to 1700000000000-10 are skipped, never delivered to notifications.',
    );
    expect(moveConsequence('1700000000000-5', figures)).toBe(
      'The cursor of notifications is at 1700000000000-5 already: nothing changes.',
    );
  });
});

describe('movePosition', () => {
  it('takes the ends and an ID as the server does, and nothing it would refuse', () => {
    expect(movePosition('$')).toBe('$');
    expect(movePosition('0-0')).toBe('0-0');
    expect(movePosition('01700000000000-05')).toBe('1700000000000-5');
    expect(movePosition('yesterday')).toBeNull();
    expect(movePosition('')).toBeNull();
  });
});

describe('moveRefusal', () => {
  const newest = { lastGeneratedId: '1700000000000-9', lastEntryId: '1700000000000-9' };

  it("refuses an ID past the stream's newest, in the server's words, and asks nothing of it", () => {
    expect(moveRefusal('99999999999999-0', newest)).toBe(
      "99999999999999-0 is past the stream's newest ID (its newest entry is 1700000000000-9): the group would skip entries not written yet. Use $ to read only entries added from now on",
    );
    expect(moveRefusal('1700000000000-10', newest)).toMatch(
      /^1700000000000-10 is past the stream's newest ID/,
    );
    expect(moveRefusal('1-0', { lastGeneratedId: null, lastEntryId: null })).toMatch(
      /\(the stream has no entries yet\)/,
    );
  });

  it('leaves the end, the start and any ID up to the newest to the question', () => {
    for (const position of ['$', '0-0', '1700000000000-9', '1700000000000-8'])
      expect(moveRefusal(position, newest)).toBeNull();
  });
});
