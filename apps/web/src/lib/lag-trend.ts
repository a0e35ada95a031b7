import type { HistoryPoint } from '@streamscope/protocol';
import { formatCount, formatDuration, formatRate } from './format';
import { counterRates, lastPoints } from './history-window';

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
 * A lag of no more than this many seconds of arrivals is a group keeping up: its consumers read in batches (ten
 * entries a worker), so at 5,000/s its read rate over a few seconds swings ±20/s around the arrival rate, and a
 * healthy group with a lag of 0 to 100 read "behind +17/s" a quarter of the time, with a warning of trimming.
 */
const KEEPING_UP_SECONDS = 1;
/** How far below the arrival rate the read rate of a group keeping up may be, as a share of it. */
const KEEPING_UP_SHARE = 0.1;
/**
 * How far back the read and arrival rates look. Redis's counters are exact, not samples of a lag that a MAXLEN ~
 * trim saws up and down, so a shorter look than the lag's is smooth enough, and follows a stopped producer sooner.
 */
export const READ_RATE_WINDOW_MS = 5_000;
/** The least span of counters the rates are drawn from. */
const READ_RATE_MIN_SPAN_MS = 3_000;

/** How fast the group reads (Redis's entries-read) and entries arrive (entries added), per second. */
export interface LagRates {
  readonly readPerSec: number;
  readonly addedPerSec: number;
}

/**
 * Where a group's lag (entries not yet delivered to it) is heading, from its samples in the charts' history: the
 * question a lag alert leaves open is whether the group is catching up on its own. Like Burrow's evaluation of a
 * Kafka consumer, it judges the trend, not one reading.
 */
export type LagTrend =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'not-reading' }
  | {
      readonly kind: 'catching-up';
      readonly etaMs: number;
      readonly perSec: number;
      readonly rates?: LagRates;
    }
  | { readonly kind: 'falling-behind'; readonly perSec: number; readonly rates?: LagRates }
  | { readonly kind: 'steady'; readonly rates?: LagRates }
  | { readonly kind: 'keeping-up'; readonly rates: LagRates };

/**
 * The trend of `group`'s lag, now at `lag`, none of it from before `since` (the stream's last reset: the lag of
 * another stream). Where Redis counts what the group read, from how fast it reads against how fast entries arrive
 * over the last {@link READ_RATE_WINDOW_MS}: the lag's own moves mislead, since trimming cuts it without a read
 * (a group with no consumer seemed to catch up) and saws it up and down. Otherwise from the least-squares slope of
 * its lag over the last {@link LAG_TREND_WINDOW_MS}. Unknown while Redis cannot tell the lag, or too few seconds
 * have been seen.
 */
export function lagTrend(
  history: readonly HistoryPoint[],
  group: string,
  lag: number | null,
  since = 0,
  /**
   * Whether any consumer may be reading the group: with none, nothing reads it, whatever its lag did. Its cursor
   * moved back to `$` by hand cut its lag from 2,000 to 60 with no read, and the slope read "in ~1 s".
   */
  mayBeRead = true,
): LagTrend {
  if (lag === null) return { kind: 'unknown' };
  if (lag === 0) return { kind: 'caught-up' };
  if (!mayBeRead) return { kind: 'not-reading' };
  const from = Math.max(since, seenSince(history, group));
  const rates = lagRates(history, group, from);
  if (rates === null)
    return cursorStoodStill(history, group, from)
      ? { kind: 'not-reading' }
      : lagSlopeTrend(history, group, lag, from);
  if (rates.readPerSec === 0) return { kind: 'not-reading' };
  if (keepsUp(rates, lag)) return { kind: 'keeping-up', rates };
  const net = rates.readPerSec - rates.addedPerSec;
  if (net >= STILL_PER_SEC) return { kind: 'catching-up', etaMs: (lag / net) * 1000, perSec: net, rates };
  if (net <= -STILL_PER_SEC) return { kind: 'falling-behind', perSec: -net, rates };
  return { kind: 'steady', rates };
}

/**
 * When the group's latest unbroken run of samples began: a group deleted and made again under its name is another
 * group, and the old one's samples made the new one read "behind +251/s" for its first seconds.
 */
function seenSince(history: readonly HistoryPoint[], group: string): number {
  let from = 0;
  for (let index = history.length - 1; index >= 0; index--) {
    const point = history[index];
    if (point === undefined || point.groups[group] === undefined) break;
    from = point.at;
  }
  return from;
}

/**
 * Whether the group reads about as fast as entries arrive (within KEEPING_UP_SHARE) with a lag of at most
 * KEEPING_UP_SECONDS of them. Not one whose lag MAXLEN holds flat while it reads a fraction of what arrives.
 */
function keepsUp({ readPerSec, addedPerSec }: LagRates, lag: number): boolean {
  return (
    addedPerSec > 0 &&
    lag <= addedPerSec * KEEPING_UP_SECONDS &&
    readPerSec >= addedPerSec * (1 - KEEPING_UP_SHARE)
  );
}

/**
 * The group's read rate and the stream's arrival rate over the last {@link READ_RATE_WINDOW_MS}, from Redis's
 * counters; `null` where either is unknown or too few seconds of them have been seen. A counter that went back (a
 * cursor moved back, the stream made again) starts the look over from there.
 */
export function lagRates(history: readonly HistoryPoint[], group: string, since = 0): LagRates | null {
  const rates = counterRates(
    history,
    (point) => {
      const read = point.groups[group]?.entriesRead;
      const added = point.entriesAdded;
      return read == null || added == null ? null : { read, added };
    },
    READ_RATE_WINDOW_MS,
    READ_RATE_MIN_SPAN_MS,
    since,
  );
  return rates === null ? null : { readPerSec: rates.read, addedPerSec: rates.added };
}

/**
 * Whether the group's cursor stood still over the last {@link READ_RATE_WINDOW_MS}: nothing was delivered to it. Told
 * by the cursor for a group whose entries-read Redis does not know (one made at an ID, that has not read since).
 */
function cursorStoodStill(history: readonly HistoryPoint[], group: string, since: number): boolean {
  const seen = lastPoints(history, READ_RATE_WINDOW_MS, since).filter(
    (point) => point.groups[group]?.lastDeliveredId !== undefined,
  );
  const first = seen[0];
  const last = seen.at(-1);
  if (first === undefined || last === undefined || last.at - first.at < READ_RATE_MIN_SPAN_MS) return false;
  const cursor = first.groups[group]?.lastDeliveredId;
  return seen.every((point) => point.groups[group]?.lastDeliveredId === cursor);
}

/** The trend from the lag's own least-squares slope, for a group whose entries-read Redis does not know. */
function lagSlopeTrend(
  history: readonly HistoryPoint[],
  group: string,
  lag: number,
  since: number,
): LagTrend {
  const samples: [number, number][] = [];
  for (const point of lastPoints(history, LAG_TREND_WINDOW_MS, since)) {
    const sampled = point.groups[group]?.lag;
    if (sampled !== null && sampled !== undefined) samples.push([point.at / 1000, sampled]);
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
  const ratesWindow = formatDuration(READ_RATE_WINDOW_MS);
  const paces = (rates: LagRates) =>
    `Over the last ${ratesWindow} it read ${formatRate(rates.readPerSec)} while entries arrived at ${formatRate(rates.addedPerSec)}`;
  switch (trend.kind) {
    case 'unknown':
      return { text: '—', hint: 'Not known yet: the lag is unknown, or not seen for long enough' };
    case 'caught-up':
      return { text: 'caught up', hint: 'Every entry of the stream has been delivered to this group' };
    case 'not-reading':
      return {
        text: 'not reading',
        hint: `Nothing was delivered to this group over the last ${ratesWindow}: no consumer reads it (none, all paused, or all stopped), so nothing shrinks its lag but trimming`,
      };
    case 'catching-up':
      return {
        text: `in ~${formatDuration(Math.ceil(trend.etaMs / 1000) * 1000)}`,
        hint: trend.rates
          ? `${paces(trend.rates)}: at that pace its lag is gone then`
          : `The lag shrank by ${formatRate(trend.perSec)} over the last ${window}; at that pace it is gone then`,
      };
    case 'falling-behind':
      return {
        text: `behind +${formatRate(Math.round(trend.perSec))}`,
        hint: trend.rates
          ? `${paces(trend.rates)}: its lag grows by ${formatRate(trend.perSec)}, and once it passes the stream's MAXLEN, the oldest entries are trimmed before it reads them`
          : `The lag grew by ${formatRate(trend.perSec)} over the last ${window}: entries arrive faster than the group reads them`,
      };
    case 'keeping-up':
      return {
        text: 'keeping up',
        hint: `${paces(trend.rates)}: its lag is under ${formatDuration(KEEPING_UP_SECONDS * 1000)} of arrivals, what a group reading in batches holds as entries stream in`,
      };
    case 'steady':
      return {
        text: 'not shrinking',
        hint: trend.rates
          ? `${paces(trend.rates)}: no faster than they arrive, so its lag stays`
          : `The lag stayed put over the last ${window} (within ${formatCount(STILL_PER_SEC * 60)} entries a minute): the group reads no faster than entries arrive, or not at all`,
      };
  }
}
