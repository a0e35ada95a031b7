import type { HistoryPoint } from '@streamscope/protocol';
import { formatCount, formatDuration, formatRate } from './format';

/**
 * How far back the trend looks: long enough to smooth a producer's bursts, short enough to follow a change. Over
 * 30 s, a group still read "behind" 15 s after its producer stopped and the lag had started to fall.
 */
export const LAG_TREND_WINDOW_MS = 10_000;
/** The least span of samples a trend is drawn from: a second or two of lag says nothing of where it goes. */
const LAG_TREND_MIN_SPAN_MS = 4_000;
/** A lag that moves slower than this, either way, is taken as standing still. */
const STILL_PER_SEC = 0.5;

/**
 * Where a group's lag (entries not yet delivered to it) is heading, from its samples in the charts' history: the
 * question a lag alert leaves open is whether the group is catching up on its own. Like Burrow's evaluation of a
 * Kafka consumer, it judges the trend, not one reading.
 */
export type LagTrend =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'catching-up'; readonly etaMs: number; readonly perSec: number }
  | { readonly kind: 'falling-behind'; readonly perSec: number }
  | { readonly kind: 'steady' };

/**
 * The trend of `group`'s lag, now at `lag`: the least-squares slope of its samples over the last
 * {@link LAG_TREND_WINDOW_MS}, none from before `since` (the stream's last reset: the lag of another stream). Unknown
 * while Redis cannot tell the lag, or too few seconds have been seen.
 */
export function lagTrend(
  history: readonly HistoryPoint[],
  group: string,
  lag: number | null,
  since = 0,
): LagTrend {
  if (lag === null) return { kind: 'unknown' };
  if (lag === 0) return { kind: 'caught-up' };
  const from = Math.max(since, (history.at(-1)?.at ?? 0) - LAG_TREND_WINDOW_MS);
  const samples: [number, number][] = [];
  for (const point of history) {
    const sampled = point.groups[group]?.lag;
    if (point.at >= from && sampled !== null && sampled !== undefined)
      samples.push([point.at / 1000, sampled]);
  }
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined || (last[0] - first[0]) * 1000 < LAG_TREND_MIN_SPAN_MS)
    return { kind: 'unknown' };
  const perSec = slope(samples);
  if (perSec <= -STILL_PER_SEC)
    return { kind: 'catching-up', etaMs: (lag / -perSec) * 1000, perSec: -perSec };
  if (perSec >= STILL_PER_SEC) return { kind: 'falling-behind', perSec };
  return { kind: 'steady' };
}

/** The least-squares slope of `y` over `x`. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  let sumX = 0;
  let sumY = 0;
  for (const [x, y] of points) {
    sumX += x;
    sumY += y;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

/** The trend in a few words, for the group's Catch-up figure, and the sentence its tooltip says. */
export function describeLagTrend(trend: LagTrend): { text: string; hint: string } {
  const window = formatDuration(LAG_TREND_WINDOW_MS);
  switch (trend.kind) {
    case 'unknown':
      return { text: '—', hint: 'Not known yet: the lag is unknown, or not seen for long enough' };
    case 'caught-up':
      return { text: 'caught up', hint: 'Every entry of the stream has been delivered to this group' };
    case 'catching-up':
      return {
        text: `in ~${formatDuration(Math.ceil(trend.etaMs / 1000) * 1000)}`,
        hint: `The lag shrank by ${formatRate(trend.perSec)} over the last ${window}; at that pace it is gone then`,
      };
    case 'falling-behind':
      return {
        text: `behind +${formatRate(Math.round(trend.perSec))}`,
        hint: `The lag grew by ${formatRate(trend.perSec)} over the last ${window}: entries arrive faster than the group reads them`,
      };
    case 'steady':
      return {
        text: 'not shrinking',
        hint: `The lag stayed put over the last ${window} (within ${formatCount(STILL_PER_SEC * 60)} entries a minute): the group reads no faster than entries arrive, or not at all`,
      };
  }
}
