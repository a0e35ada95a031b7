import type { HistoryPoint } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { backlogSeries } from './BacklogChart/backlog-series';
import { throughputSeries } from './ThroughputChart/throughput-series';

const sample = { deliveredPerSec: 5, ackedPerSec: 4, pending: 1, lag: 2 };
const point = (at: number): HistoryPoint => ({ at, producedPerSec: 10, groups: { orders: sample } });

describe('rowsWithGaps', () => {
  it('breaks the lines where seconds are missing, a second after the last point kept', () => {
    const history = [point(1_000), point(2_000), point(60_000), point(61_000)];
    expect(throughputSeries(history).data.map((row) => row.t)).toEqual([1_000, 2_000, 3_000, 60_000, 61_000]);
    expect(throughputSeries(history).data[2]).toEqual({ t: 3_000, produced: null, d0: null, a0: null });
    expect(backlogSeries(history).data[2]).toEqual({ t: 3_000, p0: null, l0: null });
  });

  it('joins points a skipped second or two apart', () => {
    const history = [point(1_000), point(2_000), point(4_500), point(5_000)];
    expect(backlogSeries(history).data.map((row) => row.t)).toEqual([1_000, 2_000, 4_500, 5_000]);
  });
});
