import type { HistoryPoint } from '@streamscope/protocol';
import { formatClock } from '../lib/format';
import { timeTicks } from '../lib/time-ticks';

/** Height of every chart's plot, in pixels. */
export const CHART_HEIGHT = 190;

/**
 * The groups' colours. No grey: beside the near-white "produced" line and the grey dashed reset line, a group drawn
 * in grey read as neither a group nor something else. Eight, in an order that gives the demo's groups and the name
 * the new-group form suggests (billing) three colours: with seven, billing drew in notifications' teal, and their
 * stacked bands could not be told apart.
 */
export const GROUP_COLORS = [
  '#4c9aff',
  '#3fb950',
  '#d29922',
  '#a371f7',
  '#f778ba',
  '#b5e853',
  '#ff9b5c',
  '#39c5cf',
] as const;

export const PRODUCED_COLOR = '#e6edf3';
export const GRID_COLOR = '#222a35';
export const AXIS_COLOR = '#5f6b78';
/** Tick labels are text: `--text-faint`, 5:1 on a panel, where the axis line's colour gave 3.2:1 (under WCAG AA's 4.5). */
export const TICK_COLOR = '#7f8b98';

/**
 * A group's colour, from its name alone (a 32-bit FNV-1a hash into `GROUP_COLORS`): the same in every chart, on
 * every page and after any other group comes or goes. Picked by the order groups were seen, notifications was
 * green beside one other group and pink once others had come, and stayed pink after they were deleted. Two groups
 * may share a colour; the legend and the tooltip name each line.
 *
 * @example
 * groupColor('notifications'); // '#39c5cf', whatever other groups there are
 */
export function groupColor(name: string): string {
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return GROUP_COLORS[hash % GROUP_COLORS.length] ?? GROUP_COLORS[0];
}

/** Group names in the order first seen over the window: the order of their lines and of the legend. */
export function groupNames(history: readonly HistoryPoint[]): string[] {
  const names = new Set<string>();
  for (const point of history) for (const name of Object.keys(point.groups)) names.add(name);
  return [...names];
}

// Three significant digits: with one decimal, a tick at 1,650 read 1.7K, between ticks at 1.1K and 2.2K.
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

export function formatTick(value: number): string {
  return compact.format(value);
}

export const axisProps = {
  stroke: AXIS_COLOR,
  tick: { fill: TICK_COLOR, fontSize: 11 },
  tickLine: false,
} as const;

/**
 * What every chart is drawn with: as wide as its frame, CHART_HEIGHT high, and without recharts' keyboard layer (its
 * figures are the frame's accessible name, see ChartFrame).
 */
export const chartProps = {
  responsive: true,
  accessibilityLayer: false,
  style: { width: '100%', height: CHART_HEIGHT },
} as const;

/** The count axis on the left of the time and histogram charts: whole numbers, shortened (12k). */
export const countAxisProps = {
  ...axisProps,
  width: 44,
  tickFormatter: formatTick,
  allowDecimals: false,
} as const;

export const tooltipProps = {
  isAnimationActive: false,
  contentStyle: {
    background: '#1c2330',
    border: '1px solid #2b3440',
    borderRadius: 6,
    fontSize: 12,
  },
  labelStyle: { color: '#8b96a3' },
  itemStyle: { padding: 0 },
} as const;

export const legendProps = {
  iconSize: 9,
  wrapperStyle: { fontSize: 11, color: '#8b96a3' },
} as const;

/**
 * A vertical line where this page saw the stream reset (`resetMarks`), in the time charts: their history is of
 * time, not of entries, and stays, but without it the drop of every figure to 0 there read as a stall or a crash.
 * Outside the plotted window a line is not drawn (recharts' default, `ifOverflow: 'discard'`).
 */
export const resetLineProps = {
  stroke: '#8b96a3',
  strokeDasharray: '2 3',
  label: { value: 'reset', position: 'insideTopRight', fill: TICK_COLOR, fontSize: 10 },
} as const;

/** The time axis of the rolling charts, with its few ticks given rather than found among all the points. */
export function timeAxisProps(data: readonly Record<string, number | null>[]) {
  const first = data[0]?.t ?? 0;
  const last = data.at(-1)?.t ?? 0;
  return {
    ...axisProps,
    dataKey: 't',
    type: 'number',
    scale: 'time',
    domain: [first, last],
    ticks: timeTicks(first, last),
    // Those that would overlap (a narrow chart) are left out, rather than printed over one another.
    interval: 'preserveStartEnd',
    minTickGap: 8,
    tickFormatter: formatClock,
  } as const;
}

/** What a chart of pending entries says in place of empty axes. */
export const NOTHING_PENDING = 'Nothing pending: every delivered entry has been acked';
