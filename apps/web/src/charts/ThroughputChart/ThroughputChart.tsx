import { memo, useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock, formatRate } from '../../lib/format';
import { ChartFrame } from '../ChartFrame';
import { latestFigures } from '../chart-summary';
import {
  axisProps,
  chartProps,
  countAxisProps,
  formatTick,
  GRID_COLOR,
  legendProps,
  resetLineProps,
  timeAxisProps,
  tooltipProps,
} from '../chart-theme';
import { useChartData } from '../use-chart-data';
import { rateScale } from './rate-scale';
import { throughputSeries } from './throughput-series';

export const ThroughputChart = memo(function ThroughputChart() {
  const history = useChartData((state) => state.history);
  const resets = useChartData((state) => state.resetMarks);
  const series = useMemo(() => throughputSeries(history), [history]);
  const scale = useMemo(() => rateScale(series.data, series.lines), [series]);
  // The same element while the data is the same: React then leaves the whole chart alone.
  return useMemo(
    () => (
      <ChartFrame
        title="Throughput"
        unit={scale.kind === 'symlog' ? 'events/s, log scale: rates far apart' : 'events/s'}
        note="dashed: delivered · solid: acked"
        summary={latestFigures(series.data, series.lines, formatRate)}
      >
        {/* Unfilled areas rather than lines: recharts measures every Line's path (getTotalLength) on each render,
          a forced layout of the whole page that cost about a quarter of the main thread at 5,000 events/s. */}
        <AreaChart {...chartProps} data={series.data} margin={{ top: 6, right: 8 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis {...timeAxisProps(series.data)} />
          {scale.kind === 'symlog' ? (
            <YAxis
              {...axisProps}
              width={44}
              tickFormatter={formatTick}
              scale="symlog"
              ticks={[...scale.ticks]}
              domain={[0, scale.ticks.at(-1) ?? 1]}
              interval={0}
            />
          ) : (
            <YAxis {...countAxisProps} />
          )}
          <Tooltip
            {...tooltipProps}
            labelFormatter={(label) => formatClock(Number(label))}
            formatter={(value) => formatRate(Number(value))}
          />
          <Legend {...legendProps} />
          {series.lines.map((line) => (
            <Area
              key={line.key}
              dataKey={line.key}
              name={line.name}
              type="linear"
              stroke={line.color}
              strokeWidth={1.6}
              {...(line.dashed ? { strokeDasharray: '4 3' } : {})}
              // A line in the legend, dashed as its line is: the default square showed delivered and acked alike.
              legendType="plainline"
              fill="none"
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {resets.map((at) => (
            <ReferenceLine key={at} x={at} {...resetLineProps} />
          ))}
        </AreaChart>
      </ChartFrame>
    ),
    [series, scale, resets],
  );
});
