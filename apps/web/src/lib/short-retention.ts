import type { Snapshot } from '@streamscope/protocol';
import { idTimeMs } from './stream-ids';

/** What keeps the stream shorter, in time, than the claim threshold, and how much time of entries it keeps. */
export type ShortRetention =
  | {
      readonly cause: 'maxlen';
      readonly keptMs: number;
      readonly maxlen: number;
      readonly producedPerSec: number;
    }
  | { readonly cause: 'policy'; readonly keptMs: number };

/**
 * An approximate MAXLEN trims whole nodes of the radix tree (100 entries each by default): a stream this far past
 * its MAXLEN is not being trimmed by it, so another producer appends without one.
 */
const APPROX_TRIM_SLACK = 200;

/**
 * Whether the stream keeps its entries for less time than the claim threshold. Then an entry a consumer drops is
 * trimmed before XAUTOCLAIM (by hand or by the auto-reaper) may take it: it reaches the dead letters as `trimmed`
 * instead of a second delivery. The seed's MAXLEN ~ 2,000 keeps 0.4 s at 5,000 events/s, under the default 5 s, and
 * nothing on the page said why claims found only deleted IDs. Worked out from the stream's own first and last IDs
 * while MAXLEN trims it, so a producer elsewhere counts too; a retention policy says its age outright.
 */
export function shortRetention(
  snapshot: Pick<Snapshot, 'stream' | 'maxlen' | 'retention' | 'claimMinIdleMs' | 'producedPerSec'>,
): ShortRetention | null {
  const { stream, maxlen, retention, claimMinIdleMs, producedPerSec } = snapshot;
  if (retention.maxAgeMs !== null && retention.maxAgeMs < claimMinIdleMs) {
    return { cause: 'policy', keptMs: retention.maxAgeMs };
  }
  // With nothing appended, nothing is trimmed: the entries there stay as long as they need.
  if (maxlen === null || producedPerSec <= 0 || stream.firstEntryId === null || stream.lastEntryId === null) {
    return null;
  }
  const trimmedByMaxlen =
    stream.length >= maxlen && stream.length - maxlen <= Math.max(APPROX_TRIM_SLACK, maxlen / 10);
  if (!trimmedByMaxlen) return null;
  const keptMs = idTimeMs(stream.lastEntryId) - idTimeMs(stream.firstEntryId);
  return keptMs < claimMinIdleMs ? { cause: 'maxlen', keptMs, maxlen, producedPerSec } : null;
}
