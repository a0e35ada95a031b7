import type { CommandResults } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { noRoomAdvice, requeueAllSummary } from './requeue-all-summary';

const result = (
  requeued: number,
  reasons: ('trimmed' | 'wide')[],
  skipped = reasons.length,
  more = false,
  stoppedForRoom: CommandResults['dlq.requeue-all']['stoppedForRoom'] = null,
) => ({
  through: '5-0',
  requeued,
  merged: 0,
  skipped,
  skippedBy: {
    trimmed: reasons.filter((reason) => reason === 'trimmed').length,
    wide: reasons.filter((reason) => reason === 'wide').length,
  },
  // The reply names the first 100 only.
  skippedLetters: reasons
    .slice(0, 100)
    .map((reason, n) => ({ id: `${n + 1}-0`, originalId: `${n + 1}-0`, reason })),
  more,
  stoppedForRoom,
});

describe('requeueAllSummary', () => {
  it('says how many went back', () => {
    expect(requeueAllSummary(result(12, []))).toBe('Requeued 12 dead letters to every group');
    expect(requeueAllSummary(result(1, []))).toBe('Requeued 1 dead letter to every group');
    // A poison pill both groups dead-lettered went back once.
    expect(requeueAllSummary({ ...result(1, []), merged: 1 })).toBe(
      'Requeued 1 dead letter to every group; 1 more letter of an entry back on the stream discarded: one copy reaches every group',
    );
    // Only letters of entries a requeue had put back before: not "already gone".
    expect(requeueAllSummary({ ...result(0, []), merged: 2 })).toBe(
      'Requeued none; 2 more letters of entries back on the stream discarded: one copy reaches every group',
    );
    expect(requeueAllSummary(result(1_234, []))).toBe('Requeued 1,234 dead letters to every group');
    expect(requeueAllSummary(result(0, []))).toBe('Nothing to requeue: those letters were already gone');
  });

  it('says how many stayed and why', () => {
    expect(requeueAllSummary(result(12, ['trimmed', 'trimmed']))).toBe(
      'Requeued 12 dead letters to every group; 2 left: payload trimmed',
    );
    expect(requeueAllSummary(result(0, ['trimmed', 'wide', 'trimmed']))).toBe(
      'Requeued none; 3 left: 2 payload trimmed, 1 too many fields to requeue by script',
    );
  });

  it('gives every skipped letter its reason, past the 100 the reply names, and says when letters were left for another click', () => {
    const many = [
      ...Array<'trimmed'>(100).fill('trimmed'),
      ...Array<'wide'>(9).fill('wide'),
      ...Array<'trimmed'>(100).fill('trimmed'),
    ];
    expect(requeueAllSummary(result(5, many, many.length, true))).toBe(
      'Requeued 5 dead letters to every group; 209 left: 200 payload trimmed, 9 too many fields to requeue by script; more remain up to the newest shown: Requeue all again',
    );
  });

  it('says how many stay when the stream had no room, which group it waited for, and to click again once it caught up', () => {
    const room = { maxlen: 2_000, group: 'analytics', waitedMs: 5_000, left: 3_200 };
    expect(requeueAllSummary(result(1_800, [], 0, false, room))).toBe(
      'Requeued 1,800 dead letters to every group; 3,200 stay in the dead-letter stream: the stream (MAXLEN ~ 2,000) has no room until analytics catches up (waited 5 s); Requeue all again once it has',
    );
    expect(requeueAllSummary(result(0, ['trimmed'], 1, false, { ...room, waitedMs: 0, left: 1 }))).toBe(
      'Requeued none; 1 left: payload trimmed; 1 stays in the dead-letter stream: the stream (MAXLEN ~ 2,000) has no room until analytics catches up (waited 0 ms); Requeue all again once it has',
    );
  });

  it('says what to do instead when no consumer reads the group it waited for, which then never catches up', () => {
    const room = { maxlen: 2_000, group: 'billing', waitedMs: 5_000, left: 21 };
    expect(requeueAllSummary(result(0, [], 0, false, room), (group) => group !== 'billing')).toBe(
      'Requeued none; 21 stay in the dead-letter stream: the stream (MAXLEN ~ 2,000) has no room until billing catches up (waited 5 s); no consumer reads billing, so it never will: add one to it, move its cursor on, or delete it, then Requeue all again',
    );
  });
});

describe('noRoomAdvice', () => {
  const refusal =
    'dead letter 9-0 (of 1-0) stays: the stream s (MAXLEN ~ 2000) has no room until group audit catches up: it has 2000 or more entries yet to read or ack, which an append could trim';

  it('says what to do when no consumer reads the group the stream waits on', () => {
    expect(noRoomAdvice(refusal, () => false)).toBe(
      `${refusal}; no consumer reads audit, so it never will: add one to it, move its cursor on, or delete it`,
    );
  });

  it('leaves the refusal as it is when the group is read, and any other refusal', () => {
    expect(noRoomAdvice(refusal, () => true)).toBe(refusal);
    expect(noRoomAdvice('something else', () => false)).toBe('something else');
  });
});
