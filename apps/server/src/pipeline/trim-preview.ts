import type { CommandResults } from '@streamscope/protocol';
import {
  compareEntryIds,
  type EventStream,
  fullEntryId,
  GroupNotFoundError,
  nextEntryId,
} from '@streamscope/streams';
import { CommandError } from './command-error.js';

/**
 * The most entries a preview counts one by one; a count that reaches it reads "that many or more". A preview
 * reads entries page by page and keeps none, so what bounds it is the time Redis and the wire spend.
 */
export const PREVIEW_COUNT_CAP = 100_000;
/**
 * Entries per XPENDING call (`countEntries` and `entryIdAt` walk a thousand a call too): short calls, so a preview
 * never holds Redis up for long.
 */
const PAGE = 1_000;

export type TrimTarget = { maxlen: number } | { minId: string };

/**
 * What a trim would remove, before it runs: how many entries, and per group how many of those are still
 * pending (delivered, not acked: they would come back as deleted) or not yet read (never to be seen).
 * Counts are for an exact trim; an approximate one removes at most as many.
 */
export async function previewTrim(
  stream: EventStream,
  target: TrimTarget,
  countCap = PREVIEW_COUNT_CAP,
): Promise<CommandResults['trim.preview']> {
  const cut = await cutOf(stream, target, countCap);
  const groups = await stream.infoGroups();
  if (cut === null) {
    return {
      cutoffId: null,
      removes: 0,
      groups: groups.map((group) => ({ group: group.name, pending: 0, unread: 0 })),
      countCap,
    };
  }
  const { below } = cut;
  // Pending entries older than the stream's first were trimmed already, their payloads gone by an earlier trim:
  // counted from '-', every later preview warned that this one would take them.
  const [removes, firstId] = await Promise.all([
    cut.removes ?? stream.countEntries('-', below, countCap),
    stream.entryIdAt(0, 'oldest'),
  ]);
  const perGroup = await Promise.all(
    groups.map(async (group) => {
      let pending = 0;
      try {
        if (firstId !== null)
          pending = await countPaged(
            async (from, count) =>
              (await stream.pendingDetail(group.name, { start: from, end: below, count })).map(
                (row) => row.id,
              ),
            firstId,
            countCap,
          );
      } catch (error) {
        // Deleted since XINFO GROUPS (a reset, here or in another process): no longer a group the trim affects.
        if (error instanceof GroupNotFoundError) return null;
        throw error;
      }
      // Unread: after the group's cursor and before the cutoff.
      const unread =
        compareEntryIds(group.lastDeliveredId, cut.cutoffId) >= 0
          ? 0
          : await stream.countEntries(`(${group.lastDeliveredId}`, below, countCap);
      return { group: group.name, pending, unread };
    }),
  );
  return {
    cutoffId: cut.cutoffId,
    removes,
    groups: perGroup.filter((group) => group !== null),
    countCap,
  };
}

/**
 * The first ID the trim keeps, the XRANGE end of what it removes (`below`), and how many entries go when that is
 * known without counting; `null` when the trim would keep everything.
 */
async function cutOf(
  stream: EventStream,
  target: TrimTarget,
  countCap: number,
): Promise<{ cutoffId: string; below: string; removes: number | null } | null> {
  // XTRIM reads a bare millisecond time as <ms>-0; as an XRANGE bound it would mean the whole millisecond.
  if ('minId' in target) {
    const cutoffId = fullEntryId(target.minId);
    return { cutoffId, below: `(${cutoffId}`, removes: null };
  }
  const length = await stream.length();
  const removes = length - target.maxlen;
  if (removes <= 0) return null;
  if (target.maxlen === 0) {
    const [last] = await stream.tail(1);
    // Everything goes, through the last entry: the cutoff is the ID just past it (itself when none can follow).
    return last ? { cutoffId: nextEntryId(last.id) ?? last.id, below: last.id, removes } : null;
  }
  // The cutoff is the oldest entry kept: found by walking in from whichever end of the stream is nearer. From
  // the oldest it has `removes` entries before it; from the newest, `maxlen - 1` after it.
  const cutoffId =
    removes <= target.maxlen - 1
      ? await nthEntryId(stream, removes, 'oldest', countCap)
      : await nthEntryId(stream, target.maxlen - 1, 'newest', countCap);
  if (cutoffId === null) return null;
  return { cutoffId, below: `(${cutoffId}`, removes };
}

/**
 * The ID of the entry `skip` entries in from one end (0: the end itself); `null` past the other end. Refuses
 * a walk longer than the count cap rather than walk a long stream from end to end.
 */
async function nthEntryId(
  stream: EventStream,
  skip: number,
  from: 'oldest' | 'newest',
  countCap: number,
): Promise<string | null> {
  if (skip >= countCap) {
    throw new CommandError(
      'refused',
      `cannot preview this MAXLEN: the first entry it keeps lies ${skip.toLocaleString('en-US')} entries from ` +
        `the nearer end of the stream, and a preview reads at most ${countCap.toLocaleString('en-US')}; ` +
        'preview a MINID instead, or trim without a preview',
    );
  }
  // Walked by script: another application's entries may be large, and only their IDs are wanted.
  return stream.entryIdAt(skip, from);
}

/** Counts what `page` lists from `start` on, one page of IDs at a time, up to `cap`. */
async function countPaged(
  page: (from: string, count: number) => Promise<string[]>,
  start: string,
  cap: number,
): Promise<number> {
  let counted = 0;
  let from = start;
  while (counted < cap) {
    const count = Math.min(PAGE, cap - counted);
    const ids = await page(from, count);
    counted += ids.length;
    const last = ids.at(-1);
    if (ids.length < count || last === undefined) return counted;
    from = `(${last}`;
  }
  return counted;
}
