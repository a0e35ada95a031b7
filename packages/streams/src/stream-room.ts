import { GroupNotFoundError } from './errors.js';
import { compareEntryIds } from './stream-ids.js';
import type { GroupInfo, PendingEntry } from './types.js';

/**
 * How much a capped stream can take before its `XADD MAXLEN ~` trims an entry that some group still needs:
 * one it has not read yet, or one it holds pending (delivered, not acked: should its consumer fail, the entry
 * is delivered again from the stream, and a trimmed one comes back without its payload).
 */
export interface StreamRoom {
  /** The stream's cap, `maxlenApprox`. */
  readonly maxlen: number;
  /**
   * Entries that can be appended now without trimming one a group needs: `maxlen` less `needed`, at least 0.
   * Exact when below the `wanted` asked for; otherwise at least `wanted`, worked out without counting.
   */
  readonly room: number;
  /** The group that needs the most entries kept: the one furthest behind. */
  readonly group: string;
  /**
   * How many entries it needs kept: those from the oldest it holds pending or has yet to read, through the
   * newest. Counted (up to `maxlen`) when `room` is below `wanted`; otherwise at most this many.
   */
  readonly needed: number;
}

/** What `measureRoom` reads the stream through: an EventStream. */
export interface RoomReader {
  readonly maxlenApprox: number | null;
  infoGroups(): Promise<GroupInfo[]>;
  length(): Promise<number>;
  entryIdAt(skip: number, from: 'oldest' | 'newest'): Promise<string | null>;
  pendingDetail(group: string, options: { start: string; count: number }): Promise<PendingEntry[]>;
  countEntries(start: string, end: string, cap: number): Promise<number>;
}

/** One group's need, as an upper bound, and a way to count it exactly. */
interface Need {
  readonly group: string;
  readonly bound: number;
  readonly count: () => Promise<number>;
}

/**
 * The room a capped stream with groups has (see `EventStream.room`); `null` when nothing limits appends: an
 * uncapped stream, or one without groups (no one is waiting to read anything).
 *
 * `XADD MAXLEN ~ n` trims only whole nodes of the oldest entries, and never below `n` entries, so `k` appended
 * entries trim nothing a group needs as long as what it needs plus `k` is at most `n`. What a group needs is
 * its pending span (its oldest pending entry still in the stream through its last-delivered ID, counted: a
 * few entries in its consumers' hands, usually) plus what it has not read. For the latter Redis's lag is an
 * upper bound (Redis 7.0 keeps counting in it entries trimmed before the group read them), and so is the
 * stream's length: when those bounds leave room for `wanted`, nothing more is counted; otherwise the unread
 * entries are counted, up to `maxlen`, a thousand a call.
 */
export async function measureRoom(stream: RoomReader, wanted: number): Promise<StreamRoom | null> {
  const maxlen = stream.maxlenApprox;
  if (maxlen === null) return null;
  const groups = await stream.infoGroups();
  if (groups.length === 0) return null;
  // The oldest entry's ID alone: another application's entry may be large, and is not read for it.
  const [length, firstId] = await Promise.all([stream.length(), stream.entryIdAt(0, 'oldest')]);
  const needs = (
    await Promise.all(groups.map((group) => needOf(stream, group, firstId, length, maxlen)))
  ).filter((need) => need !== null);
  // Every group deleted since XINFO GROUPS (a reset elsewhere): none waits for anything.
  if (needs.length === 0) return null;
  const counted = await Promise.all(
    needs.map(async (need) => ({
      group: need.group,
      needed: maxlen - need.bound >= wanted ? need.bound : await need.count(),
    })),
  );
  const furthest = counted.reduce((most, need) => (need.needed > most.needed ? need : most));
  return { maxlen, room: Math.max(0, maxlen - furthest.needed), ...furthest };
}

/** A group's need; `null` when the group is gone. */
async function needOf(
  stream: RoomReader,
  group: GroupInfo,
  firstId: string | null,
  length: number,
  maxlen: number,
): Promise<Need | null> {
  const cursor = group.lastDeliveredId;
  if (firstId === null) return { group: group.name, bound: 0, count: async () => 0 };
  let held = 0;
  try {
    // From the stream's oldest entry: a pending ID trimmed already (its consumer crashed, say) needs nothing.
    const [oldest] = await stream.pendingDetail(group.name, { start: firstId, count: 1 });
    if (oldest !== undefined && compareEntryIds(oldest.id, cursor) <= 0)
      held = await stream.countEntries(oldest.id, cursor, maxlen);
  } catch (error) {
    if (error instanceof GroupNotFoundError) return null;
    throw error;
  }
  const unreadBound = Math.max(0, Math.min(group.lag ?? Number.POSITIVE_INFINITY, length - held));
  return {
    group: group.name,
    bound: held + unreadBound,
    count: async () =>
      held >= maxlen ? held : held + (await stream.countEntries(`(${cursor}`, '+', maxlen - held)),
  };
}
