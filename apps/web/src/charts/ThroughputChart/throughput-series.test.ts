import { describe, expect, it } from 'vitest';
import { throughputSeries } from './throughput-series';

describe('throughputSeries', () => {
  it('gives each group delivered and acked lines under plain keys, null where the group did not exist', () => {
    const sample = { deliveredPerSec: 5, ackedPerSec: 4, pending: 1, lag: null };
    const series = throughputSeries([
      { at: 1_000, producedPerSec: 10, groups: { 'orders.v1': sample } },
      { at: 2_000, producedPerSec: 12, groups: { 'orders.v1': sample, audit: sample } },
    ]);
    expect(series.lines.map((line) => [line.key, line.name])).toEqual([
      ['produced', 'produced'],
      ['d0', 'orders.v1 delivered'],
      ['a0', 'orders.v1 acked'],
      ['d1', 'audit delivered'],
      ['a1', 'audit acked'],
    ]);
    expect(series.data[0]).toEqual({ t: 1_000, produced: 10, d0: 5, a0: 4, d1: null, a1: null });
  });
});
