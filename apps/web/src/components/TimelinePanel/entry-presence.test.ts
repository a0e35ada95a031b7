import { describe, expect, it } from 'vitest';
import { entryPresence } from './entry-presence';

// The stream held …560-0 to …560-19; the first five were trimmed since, and …560-7 deleted.
const ends = { firstEntryId: '1716998413560-5', lastGeneratedId: '1716998413560-19' };

describe('entryPresence', () => {
  it('says an entry read is in the stream', () => {
    expect(entryPresence('1716998413560-9', true, ends)).toBe('in-stream');
  });

  it('says an ID before the first entry was trimmed or deleted', () => {
    expect(entryPresence('1716998413560-2', false, ends)).toBe('trimmed-or-deleted');
    // An empty stream's entries all went, trimmed or deleted.
    expect(entryPresence('1716998413560-9', false, { ...ends, firstEntryId: null })).toBe(
      'trimmed-or-deleted',
    );
  });

  it('says an ID after the first entry, not there, was deleted or never written: trimming takes none there', () => {
    expect(entryPresence('1716998413560-7', false, ends)).toBe('deleted-or-never-written');
    expect(entryPresence('1716998413560-19', false, ends)).toBe('deleted-or-never-written');
    // Compared as numbers: 560-99 is past 560-19, not before it.
    expect(entryPresence('1716998413560-10', false, { ...ends, lastGeneratedId: '1716998413560-99' })).toBe(
      'deleted-or-never-written',
    );
  });

  it('says an ID past the newest the stream generated is not written yet', () => {
    expect(entryPresence('1716998413560-99', false, ends)).toBe('not-written');
    expect(entryPresence('1-0', false, { firstEntryId: null, lastGeneratedId: null })).toBe(
      'trimmed-or-deleted',
    );
  });
});
