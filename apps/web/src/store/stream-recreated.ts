import type { Snapshot } from '@streamscope/protocol';
import { compareStreamIds } from '../lib/stream-ids';

/**
 * Whether the stream between two snapshots was deleted and made again: a "Reset demo" from this page or any other
 * (the server tells no one but the page that asked), or a DEL by hand. What forms show about the old stream (a
 * produced ID, replayed entries, a trim's count) is then about entries that no longer exist. `sameConnection`:
 * whether both snapshots came over one connection, from one server process.
 */
export function streamRecreated(
  before: Snapshot,
  after: Snapshot,
  { sameConnection = true }: { sameConnection?: boolean } = {},
): boolean {
  const was = before.stream;
  const now = after.stream;
  if (was.exists && !now.exists) return true;
  // Redis counts entries added over a stream's life (7.0+) and never hands out a lower ID: either going back
  // means a new stream under the same key.
  if (was.entriesAdded !== null && now.entriesAdded !== null && now.entriesAdded < was.entriesAdded)
    return true;
  if (
    was.lastGeneratedId !== null &&
    now.lastGeneratedId !== null &&
    compareStreamIds(now.lastGeneratedId, was.lastGeneratedId) < 0
  )
    return true;
  // The server's totals go back to zero when it resets, whatever the stream's figures did meanwhile; across
  // a reconnect they also do when the server was only restarted (--no-reset), so only Redis's figures tell.
  return sameConnection && after.totals.produced < before.totals.produced;
}

/**
 * Whether a stream made again between two snapshots (see {@link streamRecreated}) was not made again by this
 * server's reset: its count of resets begun (`resets`, counted before each DEL) stood still. Then Redis restarted
 * without its data, another client deleted the key, or another Streamscope process on the stream reset it, and
 * nothing else on the page says so. Over two connections (a server restarted, its count from 0 again) nothing
 * tells: `false`.
 */
export function streamLostElsewhere(
  before: Snapshot,
  after: Snapshot,
  { sameConnection = true }: { sameConnection?: boolean } = {},
): boolean {
  return (
    sameConnection && after.resets === before.resets && streamRecreated(before, after, { sameConnection })
  );
}
