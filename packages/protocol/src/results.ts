import type { CommandType } from './commands.js';
import type { DeadLetterView, EntryView, LifecycleEventView } from './server-messages.js';

/**
 * The reason a letter parked by an operator (`pending.deadletter`) carries, in the dead-letter stream and the
 * entry's timeline: the server writes it, and the page tells such a step apart by it.
 */
export const DEAD_LETTERED_BY_HAND = 'dead-lettered by hand';

/**
 * Where an entry stands in one group: `pending` at a consumer, delivered and not acked; `done`, at or before the
 * group's cursor and not pending (acked, dead-lettered, or passed over when the group was created or set past it);
 * `unread`, after the cursor, not yet delivered to the group.
 */
export type EntryPlaceView =
  | {
      group: string;
      lastDeliveredId: string;
      state: 'pending';
      consumer: string;
      deliveries: number;
      /** When it was last delivered or claimed: the server's clock less the entry's XPENDING idle time. */
      deliveredAt: number;
    }
  | { group: string; lastDeliveredId: string; state: 'done' | 'unread' };

/** An entry's letter in the dead-letter stream, without its payload (see `entry.history`). */
export interface EntryLetterView {
  /** The letter's own ID in the dead-letter stream. */
  id: string;
  group: string;
  consumer: string;
  deliveryCount: number | null;
  reason: string;
  ts: number;
}

/** What each command answers with, on the JSON API and in a WebSocket `result` message. */
export interface CommandResults {
  produce: { produced: number; firstId: string | null; lastId: string | null };
  'producer.start': { running: true; rate: number; eventType: string | null };
  'producer.stop': { running: false };
  'consumer.add': { group: string; name: string };
  'consumer.remove': {
    group: string;
    name: string;
    handedOverTo: string;
    moved: number;
    /** Entries it held that were trimmed from the stream while pending: dead-lettered as `trimmed`, not moved. */
    deleted: number;
  };
  'consumer.pause': { group: string; name: string; paused: true };
  'consumer.resume': { group: string; name: string; paused: false };
  'consumer.crash': { group: string; name: string; crashQueued: number };
  autoclaim: {
    group: string;
    consumer: string;
    claimed: number;
    processed: number;
    /** Entries trimmed from the stream while pending, which XAUTOCLAIM dropped: dead-lettered as `trimmed`. */
    deleted: number;
    deletedIds: string[];
    /** Claimed entries that had reached the delivery limit: dead-lettered, not processed (`deleted` not counted). */
    deadLettered: number;
    minIdleMs: number;
  };
  replay: {
    entries: EntryView[];
    /**
     * Set when the answer stopped short of `count` to stay under about 4 MB of entry data: the first entry left out,
     * to replay from for the rest. `null` when nothing was left out.
     */
    stoppedBefore: string | null;
  };
  'trim.maxlen': { deleted: number; length: number };
  'trim.minid': { deleted: number; length: number; minId: string };
  reset: { groups: number; consumers: number };
  'poison.inject': { produced: number; ids: string[] };
  'dlq.list': {
    /** Newest first, each bounded as the snapshot's are (see `DeadLetterView.cut`). */
    entries: DeadLetterView[];
    /**
     * Set when the answer stopped short of `count` to stay under about 4 MB of letter data, as a replay does: the first
     * letter left out. The next page, `before` the last letter of `entries`, begins with it. `null` when nothing was
     * left out.
     */
    stoppedBefore: string | null;
  };
  'dlq.requeue': {
    id: string;
    requeuedAs: string;
    /** The entry's other letters discarded: the one copy reaches every group (see `dlq.requeue-all`'s). */
    merged: number;
    /**
     * The entry was back on the stream already, as `requeuedAs`: another of its letters was requeued first (by
     * another client, or by a server stopped before it discarded this one). This letter was only discarded.
     */
    alreadyBack: boolean;
    /**
     * The groups whose once-per-ID guard knows the entry as processed (one moved back over it since it was
     * dead-lettered, say): they ack the copy as a duplicate, without doing the work again. Empty when `alreadyBack`.
     */
    processedBy: string[];
  };
  'dlq.discard': { id: string; discarded: boolean };
  'pending.deadletter': {
    group: string;
    id: string;
    /** The letter's ID in the dead-letter stream, for requeue or discard. */
    letterId: string;
    /** The consumer that held it. */
    consumer: string;
    deliveryCount: number;
    /** Its payload had been trimmed from the stream: the letter holds none, and nothing can be requeued. */
    trimmed: boolean;
  };
  'pending.claim': {
    group: string;
    id: string;
    /** The consumer it was claimed for. */
    consumer: string;
    /** The consumer that held it. */
    from: string;
    /** Its delivery count now: the claim counts as a delivery. */
    deliveryCount: number;
    /** Handled and acked; `false`: its handler failed or it was dropped, and it stays pending. */
    processed: boolean;
    /** It had reached the delivery limit: dead-lettered instead of handled again. */
    deadLettered: boolean;
  };
  'dlq.purge': { through: string; discarded: number };
  'dlq.requeue-all': {
    through: string;
    requeued: number;
    /** Letters left in the dead-letter stream: nothing to requeue (`trimmed`), or too many fields (`wide`). */
    skipped: number;
    /** Those by reason, every one counted. */
    skippedBy: { trimmed: number; wide: number };
    /** The first 100 of them, oldest first. */
    skippedLetters: { id: string; originalId: string; reason: 'trimmed' | 'wide' }[];
    /**
     * Letters of an entry another letter had already put back (each group that dead-lettered a poison pill wrote
     * one): discarded, as that one copy reaches every group.
     */
    merged: number;
    /** It stopped at its bound (10,000 letters) with letters through `through` left: run it again. */
    more: boolean;
    /**
     * Set when it stopped before `through` because the stream had no room: requeueing more would have let its
     * `MAXLEN ~` trim entries that `group` (the group furthest behind) has yet to read or ack, and the group
     * made none within `waitedMs`. The `left` letters it had not reached stay in the dead-letter stream, for
     * another Requeue all once the group catches up. `null` when it did not stop for room.
     */
    stoppedForRoom: { maxlen: number; group: string; waitedMs: number; left: number } | null;
  };
  'autoreap.set': { group: string; enabled: boolean; intervalMs: number };
  'retention.set': { maxAgeMs: number | null };
  'trim.preview': {
    /**
     * Entries with IDs below this would go (`null`: nothing would); a MAXLEN of 0 on a stream whose newest ID is
     * the largest there is names that ID, which goes too.
     */
    cutoffId: string | null;
    removes: number;
    groups: { group: string; pending: number; unread: number }[];
    /**
     * The most a count goes to: a count of exactly this means that many or more. A MAXLEN's `removes` is
     * worked out (length less MAXLEN), not counted, so it may lie past this and is exact.
     */
    countCap: number;
  };
  'entry.find': {
    field: string;
    value: string;
    /** Newest first; `type` is `null` for an entry without one. */
    matches: { id: string; type: string | null }[];
    /** How many entries were read. */
    read: number;
    /** Where the search stopped before the stream's oldest entry: `before` for the next; `null` when it got there. */
    stoppedAt: string | null;
  };
  'entry.history': {
    id: string;
    entry: EntryView | null;
    events: LifecycleEventView[];
    /** Where it stands now in each group, read from Redis with the entry: whichever process read it. */
    places: EntryPlaceView[];
    /** Groups past the snapshot's bound (`LIMITS.snapshotGroups`), not looked in. */
    groupsOmitted: number;
    /** Its letters in the dead-letter stream, one per group that dead-lettered it, oldest first. */
    letters: EntryLetterView[];
    /** Whether the dead letters were searched through: `false` when the search's bound stopped it short. */
    lettersComplete: boolean;
  };
  'group.create': {
    group: string;
    startId: string;
    /** Where its cursor is: `startId`, or the newest entry's ID for `$`. */
    lastDeliveredId: string;
    /** Entries it has yet to read; `null` where Redis cannot tell. */
    lag: number | null;
  };
  'group.setid': {
    group: string;
    /** Its last-delivered ID before the move, and after it. */
    from: string;
    to: string;
    lag: number | null;
    /** Its pending entries, which the move leaves with their consumers. */
    pending: number;
  };
  'group.delete': {
    group: string;
    /** This server's consumers of the group, stopped before it was deleted. */
    consumersStopped: string[];
    /** Pending entries the group held when it was deleted: forgotten with it. */
    pendingDiscarded: number;
  };
}

export type CommandResult<T extends CommandType> = CommandResults[T];
