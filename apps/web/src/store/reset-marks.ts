import type { HistoryPoint } from '@streamscope/protocol';

/**
 * Two marks closer than this are one reset: the page that asked for it learns of it twice, from the answer and from
 * the snapshots after it, and on a five-minute chart two lines this close would be drawn as one anyway.
 */
export const RESET_MARK_MERGE_MS = 5_000;

/** The reset marks with one at `at` (a snapshot's time, the charts' clock), unless the last is within the merge gap. */
export function addResetMark(marks: readonly number[], at: number): readonly number[] {
  const last = marks.at(-1);
  return last !== undefined && Math.abs(at - last) < RESET_MARK_MERGE_MS ? marks : [...marks, at];
}

/** The marks the charts' history still reaches back to; the same array when none fell out. */
export function resetMarksWithin(
  marks: readonly number[],
  history: readonly HistoryPoint[],
): readonly number[] {
  const oldest = history[0]?.at ?? Number.POSITIVE_INFINITY;
  return marks.every((at) => at >= oldest) ? marks : marks.filter((at) => at >= oldest);
}
