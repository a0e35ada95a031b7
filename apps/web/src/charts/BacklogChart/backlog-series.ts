import type { HistoryPoint } from '@streamscope/protocol';
import { groupColor, groupNames } from '../chart-theme';
import { rowsWithGaps } from '../history-gaps';
import type { SeriesRow } from '../ThroughputChart/throughput-series';

export interface BacklogArea {
  key: string;
  name: string;
  color: string;
}

export interface BacklogSeries {
  data: SeriesRow[];
  /** One stacked area per group: its pending-entries list size (`p0`…). */
  pending: BacklogArea[];
  /** One stacked area per group: entries not yet delivered to it (`l0`…); `null` (unknown) leaves a gap. */
  lag: BacklogArea[];
}

export function backlogSeries(history: readonly HistoryPoint[]): BacklogSeries {
  const groups = groupNames(history);
  const data = rowsWithGaps(history, (point) => {
    const row: SeriesRow = { t: point.at };
    groups.forEach((name, index) => {
      const sample = point.groups[name];
      row[`p${index}`] = sample?.pending ?? null;
      row[`l${index}`] = sample?.lag ?? null;
    });
    return row;
  });
  return {
    data,
    pending: groups.map((name, index) => ({ key: `p${index}`, name, color: groupColor(name) })),
    lag: groups.map((name, index) => ({ key: `l${index}`, name, color: groupColor(name) })),
  };
}
