import type { PendingRowView } from '@streamscope/protocol';

/** Delivery counts from this value up share the last bar. */
export const HISTOGRAM_OPEN_BUCKET = 10;
const MIN_BUCKETS = 5;

export interface HistogramBucket {
  label: string;
  count: number;
}

/**
 * How often the pending entries have been delivered: 1 is a normal in-flight entry, 2+ were claimed after a crash,
 * and a long tail is the poison-pill signal the reference demo warns about.
 */
export function deliveryHistogram(rows: readonly PendingRowView[]): HistogramBucket[] {
  const counts = new Array<number>(HISTOGRAM_OPEN_BUCKET).fill(0);
  let highest = 0;
  for (const row of rows) {
    const bucket = Math.min(Math.max(row.deliveries, 1), HISTOGRAM_OPEN_BUCKET);
    counts[bucket - 1] = (counts[bucket - 1] ?? 0) + 1;
    highest = Math.max(highest, bucket);
  }
  const shown = Math.max(highest, MIN_BUCKETS);
  return counts.slice(0, shown).map((count, index) => ({
    label: index + 1 === HISTOGRAM_OPEN_BUCKET ? `${HISTOGRAM_OPEN_BUCKET}+` : String(index + 1),
    count,
  }));
}
