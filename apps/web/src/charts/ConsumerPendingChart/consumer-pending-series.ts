import type { GroupView } from '@streamscope/protocol';
import { groupColor } from '../chart-theme';

export interface ConsumerPendingSeries {
  /** One row per consumer; only its own group's key (`g0`…) holds a value, so bars take their group's colour. */
  data: Array<Record<string, number | string>>;
  bars: Array<{ key: string; name: string; color: string }>;
}

export function consumerPendingSeries(
  groups: readonly GroupView[],
  groupOrder: readonly string[],
): ConsumerPendingSeries {
  const colorIndex = (name: string, fallback: number) => {
    const index = groupOrder.indexOf(name);
    return index === -1 ? fallback : index;
  };
  const data = groups.flatMap((group, groupIndex) =>
    group.consumers.map((consumer) => ({
      consumer: `${group.name}/${consumer.name}`,
      [`g${groupIndex}`]: consumer.pending,
    })),
  );
  const bars = groups.map((group, groupIndex) => ({
    key: `g${groupIndex}`,
    name: group.name,
    color: groupColor(colorIndex(group.name, groupIndex)),
  }));
  return { data, bars };
}

/** Characters of a `group/consumer` label that fit the chart's 150 px label column at 11 px. */
export const LABEL_MAX_CHARS = 24;

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
