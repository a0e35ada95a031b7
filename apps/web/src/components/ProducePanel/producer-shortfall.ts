import type { HistoryPoint } from '@streamscope/protocol';
import { counterRates } from '../../lib/history-window';

/**
 * How far below its target an achieved rate may fall before it is worth saying: the producer paces itself against
 * the clock, so one that keeps up reads within a few per cent of its target, and one that cannot falls well short.
 */
export const RATE_TOLERANCE = 0.9;

/**
 * The achieved rate is judged over the last 5 s of the charts' history (Redis's count of entries added), not from the
 * snapshot's produced/s. That one spans about a second between two snapshots, each reading Redis a little off its
 * stamp, of a producer appending in batches on a 20 ms tick: at a steady 2,000/s readings ran 1,748/s, then
 * 2,050/s, so "2,000/s target, 1,748/s achieved" came and went every second or two. Over 5 s the same jitter is a
 * few per cent, well inside {@link RATE_TOLERANCE}; a producer Redis cannot keep up with stays short the whole time.
 */
export const SHORTFALL_WINDOW_MS = 5_000;
/** The least span judged: a shortfall is said only once it has lasted this long. */
const SHORTFALL_MIN_SPAN_MS = 4_000;
/**
 * Nothing is judged of the first second after a start or a change of rate, seen in a snapshot some way into it: its
 * count of entries added ran at the pace before ("1,680/s achieved" right after Start at 2,000/s).
 */
export const SHORTFALL_SETTLE_MS = 1_000;

/**
 * The rate the continuous producer achieves, when it falls short of its target for a few seconds running (Redis,
 * the network or this machine cannot keep up at 50,000/s); `null` when it keeps up, and the target alone tells the
 * truth, or when it has not run at this rate long enough to say. `runSince` is when the page saw it start at it.
 *
 * @example
 * producerShortfall(50_000, history, run.since); // 34_210: Redis took 34,210 a second over the last 5 s
 */
export function producerShortfall(
  targetPerSec: number,
  history: readonly HistoryPoint[],
  runSince: number,
): number | null {
  const rates = counterRates(
    history,
    (point) => (point.entriesAdded == null ? null : { added: point.entriesAdded }),
    SHORTFALL_WINDOW_MS,
    SHORTFALL_MIN_SPAN_MS,
    runSince + SHORTFALL_SETTLE_MS,
  );
  return rates !== null && rates.added < targetPerSec * RATE_TOLERANCE ? rates.added : null;
}
