import { describe, expect, it } from 'vitest';
import { discardAllQuestion, requeueAllQuestion, requeueAllTitle } from './bulk-questions';

describe('discardAllQuestion', () => {
  it('names how many go, from which stream, and that they cannot come back', () => {
    expect(discardAllQuestion(1_234, 'orders:dlq')).toBe(
      'Discard all 1,234 dead letters in orders:dlq, up to the newest shown? They cannot be brought back; letters written after it stay.',
    );
  });
});

describe('requeueAllQuestion', () => {
  const rest = [
    'Every group receives each one again; a group that had processed it acks it as a duplicate, and one still holding the original pending handles whichever comes first and acks the other as a duplicate (a poison pill fails both, and is dead-lettered again for each).',
    'Letters of entries trimmed while pending have no fields to requeue, and stay. So do those the stream has no room for beside what its groups have yet to read (none is trimmed unread), and letters written from now on.',
  ];

  it('says how many of them would go back when the page has them all', () => {
    expect(requeueAllQuestion(3, 5, 'orders:dlq').split('\n\n')).toEqual([
      'Requeue 3 of the 5 dead letters in orders:dlq to the stream?',
      ...rest,
    ]);
  });

  it('asks about those up to the newest shown when not all are loaded', () => {
    expect(requeueAllQuestion(null, 2_000, 'orders:dlq').split('\n\n')).toEqual([
      'Requeue the 2,000 dead letters in orders:dlq, up to the newest shown, to the stream?',
      ...rest,
    ]);
  });
});

describe('requeueAllTitle', () => {
  it('says why there is nothing to requeue when every letter was trimmed away', () => {
    expect(requeueAllTitle(0, 4)).toBe(
      'Every letter here is of an entry trimmed while pending: no fields to requeue',
    );
  });

  it('says what it does otherwise, an empty stream included', () => {
    const does =
      'Appends every letter up to the newest shown to the stream again, as fast as the stream has room beside what its groups have yet to read; those with nothing to requeue stay';
    expect(requeueAllTitle(2, 4)).toBe(does);
    expect(requeueAllTitle(null, 4)).toBe(does);
    expect(requeueAllTitle(0, 0)).toBe(does);
  });
});
