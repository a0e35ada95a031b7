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
