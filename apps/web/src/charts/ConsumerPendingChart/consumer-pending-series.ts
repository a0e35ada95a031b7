import type { GroupView } from '@streamscope/protocol';
import { groupColor } from '../chart-theme';

/**
 * Bars the chart's 190 px plot can label legibly (11 px ticks): with 33 consumers every label overlapped the
 * next and no bar could be told from another.
 */
export const MAX_BARS = 10;

export interface ConsumerPendingSeries {
  /**
   * One row per consumer; only its own group's key (`g0`…) holds a value, so bars take their group's colour (from
   * its name, as in every chart).
   */
  data: Array<Record<string, number | string>>;
  bars: Array<{ key: string; name: string; color: string }>;
  /**
   * How many consumers there are in all, those the snapshot left out (`consumersOmitted`) too; more than
   * `data.length` when only those holding most are drawn.
   */
  total: number;
  /** Entries pending over the consumers drawn: with none, there is nothing to draw but their names. */
  pending: number;
}

/**
 * One bar per consumer; past `maxBars` consumers, up to `maxBars` of those holding the most pending entries (the
 * ones a person looks for: who is sitting on the backlog; none holding none while any holds some), still in group
 * and consumer order. A consumer the snapshot left out holds none unless more than 200 of its group do (it keeps
 * those holding most first), so the bars are the same as if it had sent them all.
 */
export function consumerPendingSeries(
  groups: readonly GroupView[],
  maxBars = MAX_BARS,
): ConsumerPendingSeries {
  const all = groups.flatMap((group, groupIndex) =>
    group.consumers.map((consumer) => ({
      groupIndex,
      name: `${group.name}/${consumer.name}`,
      pending: consumer.pending,
    })),
  );
  // Most pending first (ties in page order), then back to page order for drawing. Past the bars that fit, those
  // holding none are left out while any holds some: one holder among eighteen was drawn below nine bare names.
  const holding = all.filter((row) => row.pending > 0);
  const kept =
    all.length <= maxBars
      ? all
      : (holding.length > 0 ? holding : all)
          .map((row, index) => ({ row, index }))
          .sort((a, b) => b.row.pending - a.row.pending || a.index - b.index)
          .slice(0, maxBars)
          .sort((a, b) => a.index - b.index)
          .map(({ row }) => row);
  const data = kept.map((row) => ({ consumer: row.name, [`g${row.groupIndex}`]: row.pending }));
  const bars = groups.map((group, groupIndex) => ({
    key: `g${groupIndex}`,
    name: group.name,
    color: groupColor(group.name),
  }));
  const omitted = groups.reduce((sum, group) => sum + group.consumersOmitted, 0);
  const pending = kept.reduce((sum, row) => sum + row.pending, 0);
  return { data, bars, total: all.length + omitted, pending };
}

/** Characters of a `group/consumer` label that fit the chart’s 170 px label column at 11 px, with room for wide letters. */
export const LABEL_MAX_CHARS = 22;

/**
 * A bar's label cut in the middle when it would not fit the label column (recharts clipped its start instead, so
 * `billing-reconciliation-v2/reconciler-7f9c4b` lost its group): both ends stay, the whole is in the tooltip.
 */
export function shortLabel(label: string): string {
  // One argument only: recharts passes a tick's index second, which must not be taken for a length.
  if (label.length <= LABEL_MAX_CHARS) return label;
  const head = Math.ceil((LABEL_MAX_CHARS - 1) / 2);
  const tail = LABEL_MAX_CHARS - 1 - head;
  return `${label.slice(0, head)}…${label.slice(label.length - tail)}`;
}
