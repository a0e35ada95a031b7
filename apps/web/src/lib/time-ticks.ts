/** Tick spacings a clock axis may use, in ms: round seconds and minutes. */
const STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].map((seconds) => seconds * 1000);

/**
 * At most about `count` ticks on round clock times between `first` and `last` (epoch ms). Given to a chart
 * axis explicitly, so the chart does not weigh every one of its points as a candidate tick: with a few
 * minutes of history at four points a second that cost grew until the page crawled.
 */
export function timeTicks(first: number, last: number, count = 6): number[] {
  if (!Number.isFinite(first) || !Number.isFinite(last) || last <= first) return [];
  const wanted = (last - first) / count;
  const step = STEPS_MS.find((candidate) => candidate >= wanted) ?? (STEPS_MS.at(-1) as number);
  const ticks: number[] = [];
  // Not within half a step of either end, where a centred label would be cut off by the plot's edge.
  for (let tick = Math.ceil((first + step / 2) / step) * step; tick <= last - step / 2; tick += step) {
    ticks.push(tick);
  }
  return ticks;
}
