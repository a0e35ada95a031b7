import {
  DEAD_LETTERED_BY_HAND,
  type LifecycleEventView,
  type LifecycleKindView,
} from '@streamscope/protocol';

/**
 * Badge colour per lifecycle step: good news green, losses red, recoveries purple. A dead letter gets a solid red
 * badge, the one step that takes an entry out of the pipeline for good; a duplicate is the idempotency guard doing
 * its job, so it is purple like the other recoveries.
 */
export const KIND_TONE: Record<LifecycleKindView, string> = {
  produced: 'badge-accent',
  delivered: '',
  acked: 'badge-ok',
  dropped: 'badge-danger',
  failed: 'badge-warn',
  claimed: 'badge-info',
  deleted: 'badge-info',
  'dead-lettered': 'badge-dead',
  duplicate: 'badge-info',
  requeued: 'badge-accent',
};

/** The steps of an entry's happy path. */
const ROUTINE: ReadonlySet<LifecycleKindView> = new Set(['produced', 'delivered', 'acked']);

/** A step off the happy path (dropped, failed, claimed, dead-lettered…): what a person watches the feed for. */
export const isTrouble = (event: LifecycleEventView): boolean => !ROUTINE.has(event.kind);

/** One step in words: "delivered to worker-a (attempt 1)", "claimed by worker-b (attempt 2)", "acked by worker-b". */
export function describeEvent(event: LifecycleEventView): string {
  const who = event.consumer ?? 'unknown consumer';
  const attempt = event.deliveryCount === null ? '' : ` (attempt ${event.deliveryCount})`;
  const reason = event.reason === null ? '' : `: ${event.reason}`;
  switch (event.kind) {
    case 'produced':
      return `${event.eventType === null ? 'produced' : `produced as ${event.eventType}`}${reason}`;
    case 'delivered':
      return `delivered to ${who}${attempt}${reason}`;
    case 'claimed':
      return `claimed by ${who}${attempt}${reason}`;
    case 'acked':
      return `acked by ${who}${attempt}`;
    case 'dropped':
      return `dropped by ${who}${attempt}${reason}`;
    case 'failed':
      return `failed in ${who}${attempt}${reason}`;
    case 'deleted':
      return `deleted from the pending list${event.consumer === null ? '' : ` of ${who}`}${reason}`;
    case 'dead-lettered':
      // Parked from the Pending table (or the API): the operator moved it, from the consumer that held it.
      return event.reason === DEAD_LETTERED_BY_HAND
        ? `moved to the dead-letter stream by hand, from ${who}${attempt}`
        : `moved to the dead-letter stream by ${who}${attempt}${reason}`;
    case 'duplicate':
      // Its reason says why (already processed, or a requeued copy of one that was): not said twice.
      return `handed to ${who}${attempt}, skipped as a duplicate${reason}`;
    case 'requeued':
      return `put back on the stream from the dead-letter stream${event.reason === null ? '' : ` ${event.reason}`}`;
  }
}

/**
 * A requeue's words with the other entry they name split out, for the timeline to make that ID a link: the copy an
 * original was put back as ("put back … as 9-0"), or the original a copy was produced from ("… the dead letter of
 * 5-0"). `null` for any other step, or an ID cut short.
 */
export function describeEventNamingEntry(event: LifecycleEventView): { text: string; id: string } | null {
  if (event.kind !== 'requeued' && event.kind !== 'produced') return null;
  const match = /^(.* (?:as|the dead letter of)) (\d+-\d+)$/.exec(describeEvent(event));
  return match?.[1] === undefined || match[2] === undefined ? null : { text: match[1], id: match[2] };
}
