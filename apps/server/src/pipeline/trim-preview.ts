import type { CommandResults } from '@streamscope/protocol';
import { compareEntryIds, type EventStream } from '@streamscope/streams';

/** The most entries a preview counts one by one; the demo stream is capped far below this. */
const COUNT_CAP = 100_000;

export type TrimTarget = { maxlen: number } | { minId: string };

/**
 * What a trim would remove, before it runs: how many entries, and per group how many of those are still
 * pending (delivered, not acked: they would come back as deleted) or not yet read (never to be seen).
 * Counts are for an exact trim; an approximate one removes at most as many.
 */
export async function previewTrim(
  stream: EventStream,
  target: TrimTarget,
): Promise<CommandResults['trim.preview']> {
  const cutoffId = await cutoffOf(stream, target);
  const groups = await stream.infoGroups();
  if (cutoffId === null) {
    return {
      cutoffId,
      removes: 0,
      groups: groups.map((group) => ({ group: group.name, pending: 0, unread: 0 })),
    };
  }
  const below = `(${cutoffId}`;
  const removes = (await stream.replay('-', below, COUNT_CAP)).length;
  const perGroup = await Promise.all(
    groups.map(async (group) => {
      const pending = (await stream.pendingDetail(group.name, { start: '-', end: below, count: COUNT_CAP }))
        .length;
      // Unread: after the group's cursor and before the cutoff.
      const unread =
        compareEntryIds(group.lastDeliveredId, cutoffId) >= 0
          ? 0
          : (await stream.replay(`(${group.lastDeliveredId}`, below, COUNT_CAP)).length;
      return { group: group.name, pending, unread };
    }),
  );
  return { cutoffId, removes, groups: perGroup };
}

/** The first ID the trim keeps; `null` when it would keep everything. */
async function cutoffOf(stream: EventStream, target: TrimTarget): Promise<string | null> {
  // XTRIM reads a bare millisecond time as <ms>-0; as an XRANGE bound it would mean the whole millisecond.
  if ('minId' in target) return target.minId.includes('-') ? target.minId : `${target.minId}-0`;
  const length = await stream.length();
  if (length <= target.maxlen) return null;
  if (target.maxlen === 0) {
    const [last] = await stream.tail(1);
    // Everything goes: the cutoff is just past the last entry.
    return last ? nextId(last.id) : null;
  }
  const kept = await stream.tail(target.maxlen);
  return kept.at(-1)?.id ?? null;
}

function nextId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}
