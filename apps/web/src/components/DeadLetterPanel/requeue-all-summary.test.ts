import { describe, expect, it } from 'vitest';
import { requeueAllSummary } from './requeue-all-summary';

const result = (
  requeued: number,
  reasons: ('trimmed' | 'wide')[],
  skipped = reasons.length,
  more = false,
) => ({
  through: '5-0',
  requeued,
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
  stoppedForRoom: null,
});

describe('requeueAllSummary', () => {
  it('says how many went back', () => {
    expect(requeueAllSummary(result(12, []))).toBe('Requeued 12 dead letters to every group');
    expect(requeueAllSummary(result(1, []))).toBe('Requeued 1 dead letter to every group');
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
});
