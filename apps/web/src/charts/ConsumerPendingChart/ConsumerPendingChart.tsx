import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../../lib/format';
import { ChartFrame } from '../ChartFrame';
import { barFigures } from '../chart-summary';
import {
  axisProps,
  CHART_HEIGHT,
  chartProps,
  formatTick,
  GRID_COLOR,
  legendProps,
  tooltipProps,
} from '../chart-theme';
import { useChartData } from '../use-chart-data';
import { consumerPendingSeries, shortLabel } from './consumer-pending-series';

/** Each consumer's share of its group's pending list, right now. */
export const ConsumerPendingChart = memo(function ConsumerPendingChart() {
  // `null` until the first snapshot: then the chart waits rather than says there are no consumers.
  const groups = useChartData((state) => state.snapshot?.groups ?? null);
  const series = useMemo(() => consumerPendingSeries(groups ?? []), [groups]);
  const waiting = groups === null;
  // The same element while the data is the same: React then leaves the chart alone.
  return useMemo(
    () => (
      <ChartFrame
        title="Pending per consumer"
        unit="entries"
        summary={barFigures(
          series.data.map((row) => ({
            label: String(row.consumer),
            value: Object.values(row).find((value) => typeof value === 'number') ?? 0,
          })),
        )}
        {...(series.total > series.data.length
          ? {
              note:
                series.pending > 0
                  ? `${series.data.length} of ${formatCount(series.total)} consumers, those holding most`
                  : `${series.data.length} of ${formatCount(series.total)} consumers, none pending`,
            }
          : series.data.length > 0 && series.pending === 0
            ? // The consumers are named, with no bars: said why, rather than left as bare axes.
              { note: 'none pending' }
            : {})}
      >
        {series.data.length === 0 ? (
          <div className="chart-empty" style={{ height: CHART_HEIGHT }}>
            {waiting ? 'Waiting for the first snapshot…' : 'No consumers'}
          </div>
        ) : (
          <BarChart
            {...chartProps}
            data={series.data}
            layout="vertical"
            margin={{ right: 12 }}
            barCategoryGap="20%"
          >
            <CartesianGrid stroke={GRID_COLOR} horizontal={false} />
            <XAxis {...axisProps} type="number" tickFormatter={formatTick} allowDecimals={false} />
            <YAxis
              {...axisProps}
              type="category"
              dataKey="consumer"
              width={170}
              interval={0}
              tickFormatter={shortLabel}
            />
            <Tooltip
              {...tooltipProps}
              cursor={{ fill: 'rgba(255,255,255,0.04)' }}
              formatter={(value) => formatCount(Number(value))}
            />
            <Legend {...legendProps} />
            {series.bars.map((bar) => (
              <Bar
                key={bar.key}
                dataKey={bar.key}
                name={bar.name}
                stackId="consumer"
                fill={bar.color}
                maxBarSize={18}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        )}
      </ChartFrame>
    ),
    [series, waiting],
  );
});
