import type { HistoryPoint } from '@streamscope/protocol';
import { groupColor, groupNames, PRODUCED_COLOR } from '../chart-theme';
import { rowsWithGaps } from '../history-gaps';

export interface SeriesLine {
  /** A plain key (`d0`, `a0`): recharts reads dots in a data key as a path, and group names may contain dots. */
  key: string;
  name: string;
  color: string;
  dashed: boolean;
}

export type SeriesRow = Record<string, number | null>;

export interface ThroughputSeries {
  data: SeriesRow[];
  lines: SeriesLine[];
}

/** Events per second over time: produced, and per group delivered (dashed) and acked (solid). */
export function throughputSeries(history: readonly HistoryPoint[]): ThroughputSeries {
  const groups = groupNames(history);
  const data = rowsWithGaps(history, (point) => {
    const row: SeriesRow = { t: point.at, produced: point.producedPerSec };
    groups.forEach((name, index) => {
      const sample = point.groups[name];
      row[`d${index}`] = sample?.deliveredPerSec ?? null;
      row[`a${index}`] = sample?.ackedPerSec ?? null;
    });
    return row;
  });
  const lines: SeriesLine[] = [
    { key: 'produced', name: 'produced', color: PRODUCED_COLOR, dashed: false },
    ...groups.flatMap((name, index) => [
      { key: `d${index}`, name: `${name} delivered`, color: groupColor(name), dashed: true },
      { key: `a${index}`, name: `${name} acked`, color: groupColor(name), dashed: false },
    ]),
  ];
  return { data, lines };
}
