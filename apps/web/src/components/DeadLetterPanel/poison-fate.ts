import type { LifecycleEventView } from '@streamscope/protocol';
import { compareStreamIds } from '../../lib/stream-ids';

/**
 * Whether an event says a group has had the poison pill `id`: its handler failed, it was claimed, dropped or
 * dead-lettered. A pill's handler always fails, so a group that reads one says so at once, in events kept apart from
 * the routine ones (`troubleFeed`), which the server sends before any other.
 */
export function groupHadPill(id: string, events: readonly { event: LifecycleEventView }[]): boolean {
  return events.some(({ event }) => event.id === id && event.group !== null);
}

/**
 * Whether an injected poison pill was trimmed from the stream (the XADD cap, a trim) before any group read it: it is
 * then never delivered, never fails, and never reaches the dead-letter stream. Under load, with the groups lagging
 * past MAXLEN, that is the usual fate of a pill, and the panel went on saying it would land here. A group's cursor
 * says nothing of it: a group behind the oldest entry jumps past what was trimmed, to just behind the oldest entry.
 */
export function poisonTrimmedUnread(id: string, firstEntryId: string | null, readByAGroup: boolean): boolean {
  return !readByAGroup && (firstEntryId === null || compareStreamIds(id, firstEntryId) < 0);
}

/** What becomes of an injected pill, said after its ID: lost to a trim, or on its way to the dead-letter stream. */
export function poisonFateNote(trimmedUnread: boolean): string {
  return trimmedUnread
    ? 'trimmed from the stream before any group read it, so it will never be delivered nor land here.'
    : 'its handler always fails, so each claim (Auto-reap, or XAUTOCLAIM) redelivers it until it lands here.';
}
