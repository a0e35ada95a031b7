import { memo, useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock, formatCount } from '../../lib/format';
import { ChartFrame } from '../ChartFrame';
import { latestFigures } from '../chart-summary';
import {
  chartProps,
  countAxisProps,
  GRID_COLOR,
  legendProps,
  resetLineProps,
  timeAxisProps,
  tooltipProps,
} from '../chart-theme';
import type { SeriesRow } from '../ThroughputChart/throughput-series';
import { useChartData } from '../use-chart-data';
import { type BacklogArea, backlogSeries } from './backlog-series';

interface StackedAreasProps {
  title: string;
  note: string;
  data: SeriesRow[];
  areas: BacklogArea[];
  stackId: string;
  resets: readonly number[];
}

function StackedAreas({ title, note, data, areas, stackId, resets }: StackedAreasProps) {
  return (
    <ChartFrame
      title={title}
      unit="entries, stacked by group"
      note={note}
      summary={latestFigures(data, areas, formatCount)}
    >
      <AreaChart {...chartProps} data={data} margin={{ right: 8 }}>
        <CartesianGrid stroke={GRID_COLOR} vertical={false} />
        <XAxis {...timeAxisProps(data)} />
        <YAxis {...countAxisProps} />
        <Tooltip
          {...tooltipProps}
          labelFormatter={(label) => formatClock(Number(label))}
          formatter={(value) =>
            value === null || value === undefined ? 'unknown' : formatCount(Number(value))
          }
        />
        <Legend {...legendProps} />
        {areas.map((area) => (
          <Area
            key={area.key}
            dataKey={area.key}
            name={area.name}
            stackId={stackId}
            type="linear"
            // Filled, without an edge: a stacked area's edge is drawn along the total beneath it plus its own,
            // so a group at 0 laid its colour over the group under it, and a lag of 74 in analytics read as
            // notifications' in notifications' teal. (The stroke still gives the legend and tooltip its colour.)
            stroke={area.color}
            strokeWidth={0}
            fill={area.color}
            fillOpacity={0.5}
            dot={false}
            isAnimationActive={false}
          />
        ))}
        {resets.map((at) => (
          <ReferenceLine key={at} x={at} {...resetLineProps} />
        ))}
      </AreaChart>
    </ChartFrame>
  );
}

/** How far behind each group is: entries handed out but not acked, and entries not yet handed out at all. */
export const BacklogChart = memo(function BacklogChart() {
  const history = useChartData((state) => state.history);
  const resets = useChartData((state) => state.resetMarks);
  const series = useMemo(() => backlogSeries(history), [history]);
  // The same element while the data is the same: React then leaves both charts alone.
  return useMemo(
    () => (
      <>
        <StackedAreas
          title="Pending"
          note="delivered, not acked"
          data={series.data}
          areas={series.pending}
          stackId="pending"
          resets={resets}
        />
        <StackedAreas
          title="Lag"
          note="not yet delivered"
          data={series.data}
          areas={series.lag}
          stackId="lag"
          resets={resets}
        />
      </>
    ),
    [series, resets],
  );
});
