import { describe, expect, it } from 'vitest';
import { totalsNote } from './totals-note';

describe('totalsNote', () => {
  it('says the per-group totals add up every group, so Acked reaches that many times Produced', () => {
    expect(totalsNote(2)).toBe(
      "Counted by this server since it started or was reset; acks of entries produced before then count too. Acked, Claimed and Dead-lettered add up every group's own (2 groups here): Acked reaches 2 × Produced once each group acked every entry; what a group lost to trimming or dead-lettered, it never acks.",
    );
    expect(totalsNote(1)).toMatch(
      /\(one group here\): Acked reaches Produced once each group acked every entry;/,
    );
    expect(totalsNote(0)).toBe(
      'Counted by this server since it started or was reset; acks of entries produced before then count too.',
    );
  });
});
