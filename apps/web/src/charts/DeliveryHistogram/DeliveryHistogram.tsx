import type { PendingRowView } from '@streamscope/protocol';
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../../lib/format';
import { ChartFrame } from '../ChartFrame';
import { barFigures } from '../chart-summary';
import {
  axisProps,
  CHART_HEIGHT,
  chartProps,
  countAxisProps,
  GRID_COLOR,
  NOTHING_PENDING,
  tooltipProps,
} from '../chart-theme';
import { useChartData } from '../use-chart-data';
import { deliveryHistogram } from './delivery-histogram-series';

const NO_ROWS: readonly PendingRowView[] = [];

export const DeliveryHistogram = memo(function DeliveryHistogram() {
  const rows = useChartData((state) => state.snapshot?.pending.rows ?? NO_ROWS);
  const waiting = useChartData((state) => state.snapshot === null);
  const omitted = useChartData((state) => state.snapshot?.pending.omitted ?? 0);
  const buckets = useMemo(() => deliveryHistogram(rows), [rows]);
  // The same element while the data is the same: React then leaves the chart alone.
  return useMemo(
    () => (
      <ChartFrame
        title="Delivery counts of pending entries"
        unit="entries per count"
        summary={barFigures(
          buckets.map(({ label, count }) => ({ label: `delivered ${label}×:`, value: count })),
        )}
        {...(omitted > 0
          ? { note: `${formatCount(rows.length)} listed, ${formatCount(omitted)} left out` }
          : {})}
      >
        {rows.length === 0 ? (
          // Bare axes from 1 to 5 said nothing of why there were no bars.
          <div className="chart-empty" style={{ height: CHART_HEIGHT }}>
            {waiting
              ? 'Waiting for the first snapshot…'
              : omitted > 0
                ? 'None of the pending rows listed: those pending are in groups left out'
                : NOTHING_PENDING}
          </div>
        ) : (
          <BarChart {...chartProps} data={buckets} margin={{ right: 8 }}>
            <CartesianGrid stroke={GRID_COLOR} vertical={false} />
            <XAxis {...axisProps} dataKey="label" />
            <YAxis {...countAxisProps} />
            <Tooltip
              {...tooltipProps}
              cursor={{ fill: 'rgba(255,255,255,0.04)' }}
              labelFormatter={(label) => `delivered ${label}×`}
              formatter={(value) => formatCount(Number(value))}
            />
            <Bar dataKey="count" name="entries" fill="#d29922" maxBarSize={36} isAnimationActive={false} />
          </BarChart>
        )}
      </ChartFrame>
    ),
    [buckets, omitted, rows.length, waiting],
  );
});
