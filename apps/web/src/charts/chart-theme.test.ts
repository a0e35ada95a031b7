import type { HistoryPoint } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { groupView } from '../testing/views';
import { backlogSeries } from './BacklogChart/backlog-series';
import { consumerPendingSeries } from './ConsumerPendingChart/consumer-pending-series';
import { formatTick, GROUP_COLORS, groupColor } from './chart-theme';
import { throughputSeries } from './ThroughputChart/throughput-series';

describe('formatTick', () => {
  it('shortens big numbers without misstating a tick between two others', () => {
    expect([550, 1_100, 1_650, 2_200].map(formatTick)).toEqual(['550', '1.1K', '1.65K', '2.2K']);
    expect([0, 20_000, 1_250_000].map(formatTick)).toEqual(['0', '20K', '1.25M']);
  });
});

describe('groupColor', () => {
  it("gives the demo's two groups, and the group name the page suggests, three different colours of the palette", () => {
    const colours = ['notifications', 'analytics', 'billing'].map(groupColor);
    expect(new Set(colours).size).toBe(3);
    for (const colour of colours) expect(GROUP_COLORS).toContain(colour);
  });

  it('spreads names over the palette, and takes any name', () => {
    const names = Array.from({ length: 200 }, (_, index) => `group-${index}`);
    expect(new Set(names.map(groupColor)).size).toBe(GROUP_COLORS.length);
    expect(GROUP_COLORS).toContain(groupColor(''));
    expect(GROUP_COLORS).toContain(groupColor('ö.🙂'));
  });
});

const sample = { deliveredPerSec: 1, ackedPerSec: 1, pending: 0, lag: 0 };
const point = (at: number, names: readonly string[]): HistoryPoint => ({
  at,
  producedPerSec: 0,
  groups: Object.fromEntries(names.map((name) => [name, sample])),
});

describe("a group's colour in the charts", () => {
  // The reviewer's case: notifications beside analytics, then beside others too, then with them deleted.
  const histories = [
    [point(1, ['analytics', 'notifications'])],
    [point(1, ['billing', 'audit', 'search']), point(2, ['analytics', 'billing', 'notifications'])],
    [point(1, ['audit', 'billing']), point(2, ['notifications'])],
  ];

  it('is the same in every history, whichever groups came or went before or beside it', () => {
    const throughput = histories.map(
      (history) => throughputSeries(history).lines.find((line) => line.name === 'notifications acked')?.color,
    );
    const backlog = histories.map(
      (history) => backlogSeries(history).lag.find((area) => area.name === 'notifications')?.color,
    );
    expect(new Set([...throughput, ...backlog])).toEqual(new Set([groupColor('notifications')]));
  });

  it('is the same in the pending-per-consumer bars, whatever groups are beside it', () => {
    const alone = consumerPendingSeries([groupView('notifications', [])]);
    const withOthers = consumerPendingSeries([
      groupView('billing', []),
      groupView('audit', []),
      groupView('notifications', []),
    ]);
    expect(alone.bars[0]?.color).toBe(groupColor('notifications'));
    expect(withOthers.bars.find((bar) => bar.name === 'notifications')?.color).toBe(
      groupColor('notifications'),
    );
  });
});
