import type { SeriesRow } from './ThroughputChart/throughput-series';

/**
 * What a screen reader is told of a chart, in place of its drawing (whose ticks and legend it read as "1 2 3 4 5
 * 0 1 2 3 4" and "produced legend icon"): each line's newest figure, for a time series.
 * @example latestFigures(rows, [{ key: 'p', name: 'produced' }], formatRate) // 'now: produced 2,000/s'
 */
export function latestFigures(
  rows: readonly SeriesRow[],
  lines: readonly { readonly key: string; readonly name: string }[],
  format: (value: number) => string,
): string {
  const figures = lines.flatMap(({ key, name }) => {
    // The newest row that has the line: a gap (no page open then) or a group gone since holds none.
    const value = rows.findLast((row) => typeof row[key] === 'number')?.[key];
    return typeof value === 'number' ? [`${name} ${format(value)}`] : [];
  });
  return figures.length === 0 ? 'no figures yet' : `now: ${figures.join(', ')}`;
}

/** Bars by their labels and values, as a sentence: `worker-a 3, worker-b 0`. */
export function barFigures(bars: readonly { readonly label: string; readonly value: number }[]): string {
  return bars.length === 0
    ? 'nothing to show'
    : bars.map(({ label, value }) => `${label} ${value}`).join(', ');
}
