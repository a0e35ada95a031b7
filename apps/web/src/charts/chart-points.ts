import type { HistoryPoint } from '../store/history';

/** One chart point per second of clock time: ~300 over the five-minute window instead of ~1,200 snapshots. */
export const CHART_BUCKET_MS = 1000;

/**
 * The last history point of each `bucketMs` of clock time. A chart's work grows with its points, and a plot a
 * few hundred pixels wide shows no more than this anyway; buckets are aligned to the clock, so a finished
 * bucket keeps its point and the lines do not shimmer as the window slides.
 */
export function chartPoints(history: readonly HistoryPoint[], bucketMs = CHART_BUCKET_MS): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  for (const point of history) {
    const last = points.at(-1);
    if (last !== undefined && Math.floor(last.at / bucketMs) === Math.floor(point.at / bucketMs)) {
      points[points.length - 1] = point;
    } else {
      points.push(point);
    }
  }
  return points;
}
