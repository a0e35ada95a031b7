import type { DeadLetterView, LifecycleEventView } from '@streamscope/protocol';
import { formatCount, formatList } from '../../lib/format';
import { compareStreamIds } from '../../lib/stream-ids';

/**
 * A group that dead-lettered the pill, the delivery count it was lettered at (unknown for a foreign letter), and
 * whether it was lettered as trimmed: taken off the stream while pending, before its failures reached the limit.
 */
export interface PillLanding {
  readonly group: string;
  readonly deliveries: number | null;
  readonly trimmed: boolean;
}

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

/**
 * The groups whose letters for the pill `id` are among `letters`, added to those seen `before`, by group name. The
 * page keeps what it saw: the snapshot's newest letters scroll on, and a requeued or discarded letter goes.
 */
export function pillLandings(
  id: string,
  letters: readonly Pick<DeadLetterView, 'originalId' | 'group' | 'deliveryCount' | 'reason'>[],
  before: readonly PillLanding[],
): readonly PillLanding[] {
  // One landing per group: a group that lettered it twice (requeued in between) is named once, first seen.
  const named = new Set(before.map((landing) => landing.group));
  const added: PillLanding[] = [];
  for (const { originalId, group, deliveryCount, reason } of letters) {
    if (originalId !== id || named.has(group)) continue;
    named.add(group);
    // `trimmed`, or `trimmed; <why>` from a worker whose handling ended after a claim found it trimmed.
    added.push({ group, deliveries: deliveryCount, trimmed: /^trimmed\b/.test(reason) });
  }
  if (added.length === 0) return before;
  return [...before, ...added].sort((a, b) => a.group.localeCompare(b.group));
}

/**
 * What becomes of an injected pill, said after its ID: lost to a trim, on its way to the dead-letter stream, or
 * landed there, from which groups, and how: its failures reaching the limit, or a trim while it was pending (then
 * at fewer deliveries than the limit). Once it had landed, "until it lands here" read as if it had not.
 */
export function poisonFateNote(trimmedUnread: boolean, landings: readonly PillLanding[] = []): string {
  if (landings.length > 0) {
    const after = (deliveries: number | null) =>
      deliveries === null
        ? ''
        : ` after ${formatCount(deliveries)} ${deliveries === 1 ? 'delivery' : 'deliveries'}`;
    if (landings.every((landing) => landing.trimmed)) {
      const from = formatList(landings.map(({ group, deliveries }) => `${group}${after(deliveries)}`));
      return `trimmed from the stream while still pending, so it landed here as trimmed from ${from}.`;
    }
    const from = formatList(
      landings.map(({ group, deliveries, trimmed }) =>
        trimmed ? `${group} (trimmed while pending${after(deliveries)})` : `${group}${after(deliveries)}`,
      ),
    );
    return `its handler always fails, and it landed here from ${from}.`;
  }
  return trimmedUnread
    ? 'trimmed from the stream before any group read it, so it will never be delivered nor land here.'
    : 'its handler always fails, so each claim (Auto-reap, or XAUTOCLAIM) redelivers it until it lands here.';
}
