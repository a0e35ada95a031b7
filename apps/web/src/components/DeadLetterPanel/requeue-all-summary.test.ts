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
  skippedLetters: reasons.map((reason, n) => ({ id: `${n + 1}-0`, originalId: `${n + 1}-0`, reason })),
  more,
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

  it('counts the skipped letters the reply does not name, and says when letters were left for another click', () => {
    expect(requeueAllSummary(result(5, ['trimmed'], 150, true))).toBe(
      'Requeued 5 dead letters to every group; 150 left: 1 payload trimmed, 149 more; more remain up to the newest shown: Requeue all again',
    );
  });
});
