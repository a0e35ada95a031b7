import { compareStreamIds } from '../../lib/stream-ids';

/**
 * Whether the stream holds an entry, and if not, what can have become of it, told by where its ID falls:
 * - `trimmed-or-deleted`: before the stream's first entry (or the stream is empty), where trimming takes entries;
 * - `deleted-or-never-written`: among its entries, after the first, where trimming takes none (XTRIM cuts from the
 *   oldest end only): deleted with XDEL, or no entry ever had the ID;
 * - `not-written`: past the newest ID the stream has generated (an ID typed by hand): no entry has had it yet.
 */
export type EntryPresence = 'in-stream' | 'trimmed-or-deleted' | 'deleted-or-never-written' | 'not-written';

/** The stream's ends, as the latest snapshot has them (XINFO STREAM). */
export interface StreamEnds {
  readonly firstEntryId: string | null;
  readonly lastGeneratedId: string | null;
}

/**
 * Where entry `id` stands in the stream: `found`, the entry was read; else by where its ID falls between the
 * stream's ends. "Trimmed or deleted" was said of an ID between two entries, which trimming cannot have taken.
 */
export function entryPresence(
  id: string,
  found: boolean,
  { firstEntryId, lastGeneratedId }: StreamEnds,
): EntryPresence {
  if (found) return 'in-stream';
  if (lastGeneratedId !== null && compareStreamIds(id, lastGeneratedId) > 0) return 'not-written';
  if (firstEntryId !== null && compareStreamIds(id, firstEntryId) > 0) return 'deleted-or-never-written';
  return 'trimmed-or-deleted';
}
