import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock, formatRate } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ChartFrame } from '../ChartFrame';
import {
  axisProps,
  CHART_HEIGHT,
  formatTick,
  GRID_COLOR,
  legendProps,
  timeAxisProps,
  tooltipProps,
} from '../chart-theme';
import { throughputSeries } from './throughput-series';

export const ThroughputChart = memo(function ThroughputChart() {
  const history = useDashboard((state) => state.history);
  const series = useMemo(() => throughputSeries(history), [history]);
  return (
    <ChartFrame title="Throughput" unit="events/s" note="dashed: delivered · solid: acked">
      <LineChart
        responsive
        accessibilityLayer={false}
        style={{ width: '100%', height: CHART_HEIGHT }}
        data={series.data}
        margin={{ right: 8 }}
      >
        <CartesianGrid stroke={GRID_COLOR} vertical={false} />
        <XAxis {...timeAxisProps(series.data)} />
        <YAxis {...axisProps} width={44} tickFormatter={formatTick} allowDecimals={false} />
        <Tooltip
          {...tooltipProps}
          labelFormatter={(label) => formatClock(Number(label))}
          formatter={(value) => formatRate(Number(value))}
        />
        <Legend {...legendProps} />
        {series.lines.map((line) => (
          <Line
            key={line.key}
            dataKey={line.key}
            name={line.name}
            stroke={line.color}
            strokeWidth={1.6}
            {...(line.dashed ? { strokeDasharray: '4 3' } : {})}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
});
