import { describe, expect, it } from 'vitest';
import { mergeLetters, olderAfterRequeueAll, pageStop, stopStillShown, withoutLetter } from './older-pages';

const letters = (...ids: string[]) => ids.map((id) => ({ id }));
const ids = (list: readonly { id: string }[]) => list.map((letter) => letter.id);

describe('mergeLetters', () => {
  it('is the live list while no older page is loaded', () => {
    const newest = letters('9-0', '8-0');
    expect(mergeLetters(newest, [])).toBe(newest);
  });

  it('puts the older pages under the live list, without the letters the live list has reached', () => {
    expect(ids(mergeLetters(letters('10-0', '9-0', '8-0'), letters('8-0', '7-0', '6-0')))).toEqual([
      '10-0',
      '9-0',
      '8-0',
      '7-0',
      '6-0',
    ]);
  });
});

describe('pageStop', () => {
  it('says where a page stopped short, after its last letter', () => {
    expect(pageStop({ entries: letters('9-0', '8-0'), stoppedBefore: '7-0' })).toEqual({
      after: '8-0',
      next: '7-0',
      listed: 2,
    });
  });

  it('is null for a page that did not stop short, or listed nothing', () => {
    expect(pageStop({ entries: letters('9-0'), stoppedBefore: null })).toBeNull();
    expect(pageStop({ entries: [], stoppedBefore: '7-0' })).toBeNull();
  });
});

describe('stopStillShown', () => {
  const stop = { after: '8-0', next: '7-0', listed: 2 };

  it('holds while the page that stopped still ends what is shown', () => {
    expect(stopStillShown(stop, '8-0')).toBe(stop);
  });

  it('goes once other letters end the list', () => {
    expect(stopStillShown(stop, '5-0')).toBeNull();
    expect(stopStillShown(stop, undefined)).toBeNull();
    expect(stopStillShown(null, '8-0')).toBeNull();
  });
});

describe('olderAfterRequeueAll', () => {
  const answer = (skipped: string[], more = false) => ({
    skipped: skipped.length,
    skippedLetters: skipped.map((id) => ({ id, originalId: id, reason: 'trimmed' as const })),
    more,
    stoppedForRoom: null,
  });
  const older = letters('5-0', '4-0', '3-0');

  it('keeps only the letters the answer names as skipped', () => {
    expect(ids(olderAfterRequeueAll(older, answer(['4-0'])))).toEqual(['4-0']);
    expect(olderAfterRequeueAll(older, answer([]))).toEqual([]);
  });

  it('drops the pages when which letters went is not known', () => {
    expect(olderAfterRequeueAll(older, answer(['4-0'], true))).toEqual([]);
    expect(olderAfterRequeueAll(older, { ...answer(['4-0']), skipped: 150 })).toEqual([]);
    const room = { maxlen: 100, group: 'g', waitedMs: 0, left: 2 };
    expect(olderAfterRequeueAll(older, { ...answer(['4-0']), stoppedForRoom: room })).toEqual([]);
  });
});

describe('withoutLetter', () => {
  const letter = (id: string, originalId: string) => ({ id, originalId });
  const loaded = [
    letter('9-0', '5-0'),
    letter('8-0', '5-0'),
    letter('7-0', '4-0'),
    letter('6-0', ''),
    letter('5-9', ''),
  ];

  it("drops the letter gone, and with originalOf its entry's other letters, which a requeue discarded", () => {
    expect(ids(withoutLetter(loaded, letter('9-0', '5-0')))).toEqual(['8-0', '7-0', '6-0', '5-9']);
    expect(ids(withoutLetter(loaded, letter('9-0', '5-0'), { originalOf: true }))).toEqual([
      '7-0',
      '6-0',
      '5-9',
    ]);
  });

  it("takes letters naming no original for no one's siblings", () => {
    expect(ids(withoutLetter(loaded, letter('6-0', ''), { originalOf: true }))).toEqual([
      '9-0',
      '8-0',
      '7-0',
      '5-9',
    ]);
  });
});
