import type { SeriesLine, SeriesRow } from './throughput-series';

/** How the throughput chart's rate axis is drawn. */
export type RateScale =
  | { readonly kind: 'linear' }
  | { readonly kind: 'symlog'; readonly ticks: readonly number[] };

/**
 * Peaks this far apart switch the axis to a logarithmic one (symlog, which has room for 0): at 3,000 events/s
 * produced and the seeds' 40/s acked, a linear axis drew every group's line flat on zero, unreadable, the very
 * figures the chart is for.
 */
export const LOG_SCALE_SPREAD = 20;

/**
 * Linear while the lines' peaks over the window are within `LOG_SCALE_SPREAD` of one another (lines that stay at
 * 0 do not count: an idle group says nothing about spread); otherwise symlog, ticked at 0 and powers of ten up to
 * the first one at or above the highest peak (from 10 when that is 10,000 or more).
 */
export function rateScale(data: readonly SeriesRow[], lines: readonly Pick<SeriesLine, 'key'>[]): RateScale {
  const peaks = lines
    .map(({ key }) => data.reduce((peak, row) => Math.max(peak, row[key] ?? 0), 0))
    .filter((peak) => peak > 0);
  if (peaks.length < 2) return { kind: 'linear' };
  const highest = Math.max(...peaks);
  if (highest < Math.min(...peaks) * LOG_SCALE_SPREAD) return { kind: 'linear' };
  const ticks = [0];
  for (let tick = 1; ticks.length === 1 || (ticks.at(-1) ?? 0) < highest; tick *= 10) ticks.push(tick);
  // Symlog puts 1 a seventh of a decade above 0 once the axis spans four or more: their labels overlapped.
  return { kind: 'symlog', ticks: ticks.length > 5 ? ticks.filter((tick) => tick !== 1) : ticks };
}
