import type { HistoryPoint } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { addResetMark, RESET_MARK_MERGE_MS, resetMarksWithin } from './reset-marks';

const history = (...ats: number[]): HistoryPoint[] =>
  ats.map((at) => ({ at, producedPerSec: 0, groups: {} }));

describe('addResetMark', () => {
  it('marks each reset once, also when the page learns of it twice', () => {
    const once = addResetMark([], 10_000);
    expect(once).toEqual([10_000]);
    // The answer to this page's reset, then the snapshot showing the stream made again.
    expect(addResetMark(once, 10_000 + RESET_MARK_MERGE_MS - 1)).toBe(once);
    expect(addResetMark(once, 10_000 + RESET_MARK_MERGE_MS)).toEqual([10_000, 10_000 + RESET_MARK_MERGE_MS]);
  });
});

describe('resetMarksWithin', () => {
  it('drops the marks older than the oldest point, and keeps the array when none is', () => {
    const marks = [1_000, 5_000, 9_000];
    expect(resetMarksWithin(marks, history(500, 9_500))).toBe(marks);
    expect(resetMarksWithin(marks, history(4_000, 9_500))).toEqual([5_000, 9_000]);
    expect(resetMarksWithin(marks, history(9_001))).toEqual([]);
    expect(resetMarksWithin(marks, [])).toEqual([]);
    const none: number[] = [];
    expect(resetMarksWithin(none, history(1))).toBe(none);
  });
});
