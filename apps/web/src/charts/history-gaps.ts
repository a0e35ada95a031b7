import { HISTORY_BUCKET_MS, type HistoryPoint } from '@streamscope/protocol';
import type { SeriesRow } from './ThroughputChart/throughput-series';

/** Points this far apart have seconds missing between them: a few skipped buckets are a busy page, not a gap. */
export const GAP_MS = 3 * HISTORY_BUCKET_MS;

/**
 * A chart's rows, one per history point, with an empty row (every value `null`) where seconds are missing: the
 * server keeps no history while it cannot read Redis, nor while it is down. The lines break there,
 * where recharts would otherwise join both sides with a straight line that reads as a steady ramp.
 */
export function rowsWithGaps(
  history: readonly HistoryPoint[],
  toRow: (point: HistoryPoint) => SeriesRow,
): SeriesRow[] {
  const rows: SeriesRow[] = [];
  let previous: HistoryPoint | undefined;
  for (const point of history) {
    const row = toRow(point);
    if (previous !== undefined && point.at - previous.at > GAP_MS) {
      const gap: SeriesRow = { t: previous.at + HISTORY_BUCKET_MS };
      for (const key of Object.keys(row)) if (key !== 't') gap[key] = null;
      rows.push(gap);
    }
    rows.push(row);
    previous = point;
  }
  return rows;
}
