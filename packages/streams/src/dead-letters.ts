import { setTimeout as sleep } from 'node:timers/promises';
import { assertBoolean, assertInteger, assertName, assertOptions, optionNames } from './arguments.js';
import {
  assertEntryBounds,
  type BoundedRead,
  cutText,
  type EntryBounds,
  type EntryCut,
  readBounded,
  rowFields,
} from './bounded-read.js';
import { COUNT_RANGE_LUA, countRangePaged } from './count-range-script.js';
import { DEAD_LETTER_LUA, REQUEUE_LUA, WIDE_PAYLOAD_FIELD } from './dead-letter-scripts.js';
import {
  NoRoomError,
  NothingToRequeueError,
  RequeueRefusedError,
  RequeueStoppedError,
  redisCommand,
  StreamArgumentError,
} from './errors.js';
import { MAX_BATCH_EVENT_FIELDS } from './event-encoding.js';
import {
  type AutoclaimOptions,
  assertEventStream,
  boundedReadCommand,
  type EventStream,
} from './event-stream.js';
import { type BoundedRow, parseFlatEntries, setField } from './replies.js';
import {
  assertEntryId,
  compareEntryIds,
  entryIdTime,
  fullEntryId,
  isBeyondIdSpace,
  lastIdOf,
  nextEntryId,
  show,
} from './stream-ids.js';
import type { StreamRoom } from './stream-room.js';
import { type AutoclaimResult, type EventFields, FIXED_FIELDS, type HandoverResult } from './types.js';

/** Why and from where an entry was dead-lettered. */
export interface DeadLetterInfo {
  readonly group: string;
  readonly consumer: string;
  readonly deliveryCount: number | null;
  readonly reason: string;
  /** The original fields; `null` when they were trimmed away before anyone could read them. */
  readonly fields: EventFields | null;
  /**
   * Whether the entry is still in the group's PEL: then it is acked in the same step, and a retry after a
   * lost reply is a no-op. Defaults to whether `fields` are known: XAUTOCLAIM drops the trimmed IDs it
   * reports from the PEL itself, whereas a consumer re-reading its own PEL still holds them.
   */
  readonly stillPending?: boolean | undefined;
}

/** What `requeue` appended: the entry's new ID, and the letter's original ID and event type. */
export interface RequeueResult {
  readonly requeuedAs: string;
  readonly originalId: string;
  readonly eventType: string | null;
}

/** A letter `requeueThrough` left in place, and why. */
export interface SkippedLetter {
  /** Its ID in the dead-letter stream. */
  readonly id: string;
  readonly originalId: string;
  /**
   * `trimmed`: it holds no original fields (its entry was trimmed before anyone read it); `wide`: its entry has
   * more fields than a script can append in one step (see `requeue`).
   */
  readonly reason: 'trimmed' | 'wide';
}

export interface RequeueThroughOptions {
  /** The most letters to look at, requeued or skipped; 10,000 by default (the default DLQ cap). */
  readonly limit?: number;
  /** Called with each letter put back, in the order they were, e.g. to record where it went. */
  readonly onRequeued?: (result: RequeueResult) => void;
  /**
   * How long, in all, it waits for the stream's groups to make room (see `stoppedForRoom`) before it stops
   * with the rest left in the DLQ; 5,000 ms by default, 0 to stop as soon as there is none.
   */
  readonly roomWaitMs?: number;
  /** How often it looks for room again while it waits; every 100 ms by default. */
  readonly roomPollMs?: number;
  /**
   * Aborted, it stops before its next page, or its wait for room, with a `RequeueStoppedError` saying how many
   * went back (a page under way finishes first: its scripts are out).
   */
  readonly signal?: AbortSignal;
}

/** Why `requeueThrough` stopped before `through`: the stream had no room, and its groups made none in time. */
export interface RoomStop {
  /** The stream's MAXLEN. */
  readonly maxlen: number;
  /** The group furthest behind when it gave up: it had `maxlen` entries or more yet to read or ack. */
  readonly group: string;
  /** How long it waited for room, in all, in milliseconds. */
  readonly waitedMs: number;
  /** Letters through `through` it left in the DLQ without looking at them (`skipped` counts the others). */
  readonly left: number;
}

/** What `requeueThrough` did. */
export interface RequeueThroughResult {
  /** Letters appended to the stream again and removed from the DLQ. */
  readonly requeued: number;
  /** Letters that could not be requeued and stay in the DLQ. */
  readonly skipped: number;
  /** Those by reason, every one counted (the list below names only the first 100). */
  readonly skippedBy: Readonly<Record<SkippedLetter['reason'], number>>;
  /** The first 100 of those, oldest first. */
  readonly skippedLetters: readonly SkippedLetter[];
  /**
   * Letters of an entry another letter of this call had already put back (one per group that dead-lettered it, a
   * poison pill say): discarded, not appended again, as that one copy reaches every group.
   */
  readonly merged: number;
  /** It stopped at `limit` with letters through `through` still unread. */
  readonly more: boolean;
  /**
   * Set when it stopped before `through` because requeueing the next letter would have let the stream's
   * `XADD MAXLEN ~` trim entries a group has yet to read or ack (see `EventStream.room`), and the groups made
   * no room within `roomWaitMs`; `null` otherwise.
   */
  readonly stoppedForRoom: RoomStop | null;
}

/** `RequeueThroughOptions` with their defaults. */
interface RequeueThroughSettings {
  readonly limit: number;
  readonly onRequeued: ((result: RequeueResult) => void) | undefined;
  readonly roomWaitMs: number;
  readonly roomPollMs: number;
  readonly signal: AbortSignal | undefined;
}

/** What one letter's requeue script did: put it back, left it (and why), or found it gone (`null`). */
type RequeueOutcome =
  | RequeueResult
  | { readonly refused: SkippedLetter['reason']; readonly originalId: string }
  | null;

/** A letter of a page `requeueThrough` read, and whether requeueing it appends to the stream. */
interface PageLetter {
  readonly id: string;
  readonly originalId: string;
  readonly appends: boolean;
}

/** Letters `requeueThrough` reads (and requeues) per round trip. */
const REQUEUE_PAGE = 100;
const REQUEUE_THROUGH_LIMIT = 10_000;
const ROOM_WAIT_MS = 5_000;
const ROOM_POLL_MS = 100;
/** Skipped letters a result names; the count covers the rest. */
const SKIPPED_LISTED = 100;

export interface DeadLetter extends Omit<DeadLetterInfo, 'fields'> {
  /** Its ID in the dead-letter stream. */
  readonly id: string;
  readonly originalId: string;
  readonly ts: number;
  /** The original fields as written to the letter; `{}` for one whose entry was trimmed away (sent with `null`). */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * A dead letter as a bounded read returns it (see `DeadLetters.newestBounded`): its payload's first fields, and its
 * original ID, group, consumer and reason, each cut to the bounds, every one cut counted in `cut.values`.
 */
export interface BoundedDeadLetter extends DeadLetter {
  /** What was left out; absent when nothing was. */
  readonly cut?: EntryCut;
}

/** The default cap: a poison storm must not grow the DLQ without bound. */
export const DEAD_LETTERS_MAXLEN = 10_000;

export interface DeadLettersOptions {
  /**
   * Cap on the dead-letter stream, applied with `XTRIM MAXLEN ~` after each write (the oldest letters go
   * first); 10,000 by default, `null` keeps every letter.
   */
  readonly maxlenApprox?: number | null;
}

const DEAD_LETTERS_OPTIONS = optionNames<DeadLettersOptions>({ maxlenApprox: true });
const REQUEUE_THROUGH_OPTIONS = optionNames<RequeueThroughOptions>({
  limit: true,
  onRequeued: true,
  roomWaitMs: true,
  roomPollMs: true,
  signal: true,
});
const DEAD_LETTER_INFO = optionNames<DeadLetterInfo>({
  group: true,
  consumer: true,
  deliveryCount: true,
  reason: true,
  fields: true,
  stillPending: true,
});

/**
 * A letter's own fields, always written first and in this order (by `send` and by the scripts); what follows
 * is the original payload, whatever its field names: a payload field named `dlq_reason` is payload.
 */
const META = [
  'dlq_original_id',
  'dlq_group',
  'dlq_consumer',
  'dlq_delivery_count',
  'dlq_reason',
  'dlq_ts_ms',
] as const;
type MetaName = (typeof META)[number];
const isMeta = (name: string | undefined): name is MetaName => META.includes(name as MetaName);

/**
 * The dead-letter stream of one event stream: poison pills and entries trimmed while pending end up here
 * with their origin and reason, to be inspected, requeued or discarded.
 *
 * @example
 *   const dlq = new DeadLetters(stream); // at `${stream.streamKey}:dlq`
 *   await dlq.send(entry.id, { group, consumer, deliveryCount: 5, reason: 'handler kept failing', fields });
 */
export class DeadLetters {
  readonly key: string;
  /** The stream whose entries this DLQ receives. */
  readonly streamKey: string;
  /** `XTRIM MAXLEN ~` applied after each write; `null` keeps every letter. */
  readonly maxlenApprox: number | null;
  readonly #stream: EventStream;
  #count = 0;

  /** `key` defaults to `<stream key>:dlq`, which keeps a hash-tagged stream's letters in its slot. */
  constructor(stream: EventStream, dlqKey?: string, options: DeadLettersOptions = {}) {
    assertEventStream(stream, 'DeadLetters');
    assertOptions(options, 'DeadLetters options', DEAD_LETTERS_OPTIONS);
    const { maxlenApprox = DEAD_LETTERS_MAXLEN } = options;
    const key = dlqKey ?? `${stream.streamKey}:dlq`;
    assertName(key, 'dead-letter key');
    if (key === stream.streamKey)
      throw new StreamArgumentError('the dead-letter key must differ from the stream key');
    if (maxlenApprox !== null) assertInteger(maxlenApprox, 'maxlenApprox', 1);
    this.#stream = stream;
    this.streamKey = stream.streamKey;
    this.key = key;
    this.maxlenApprox = maxlenApprox;
  }

  /** Entries this instance dead-lettered. */
  get count(): number {
    return this.#count;
  }

  /**
   * Writes the entry to the DLQ and acks it in its group, atomically; `null` when it was no longer pending
   * (someone else dead-lettered or acked it). An entry no longer pending (`stillPending: false`) is only
   * written.
   */
  async send(id: string, info: DeadLetterInfo): Promise<string | null> {
    assertEntryId(id, 'id');
    assertDeadLetterInfo(info);
    // The entry XACK acks: as an XPENDING range, a bare millisecond would find any pending entry in it.
    const entryId = fullEntryId(id);
    const requirePending = info.stillPending ?? info.fields !== null;
    const pairs = [
      ...['dlq_original_id', entryId, 'dlq_group', info.group, 'dlq_consumer', info.consumer],
      ...['dlq_delivery_count', info.deliveryCount === null ? '' : String(info.deliveryCount)],
      ...['dlq_reason', info.reason, 'dlq_ts_ms', String(Date.now())],
      ...letterPayload(info.fields),
    ];
    const reply = await redisCommand('dead-letter write', () =>
      this.#stream.redis.eval(
        DEAD_LETTER_LUA,
        2,
        this.#stream.streamKey,
        this.key,
        info.group,
        entryId,
        requirePending ? '1' : '0',
        ...pairs,
      ),
    );
    if (reply === null || reply === undefined) return null;
    await this.#written(1);
    return String(reply);
  }

  /**
   * `EventStream.autoclaim` that dead-letters, in the same step as each claim, the trimmed IDs idle past the
   * claim threshold, naming the consumer that held them. Trimmed IDs delivered lately come back in
   * `deletedIds` for the caller to judge: their consumer may be handling them, payload in hand.
   */
  async autoclaim(
    group: string,
    consumer: string,
    options: Omit<AutoclaimOptions, 'deadLetterKey'> = {},
  ): Promise<AutoclaimResult> {
    const result = await this.#stream.autoclaim(group, consumer, { ...options, deadLetterKey: this.key });
    await this.#written(result.deadLettered.length);
    return result;
  }

  /**
   * `EventStream.handoverPending` that dead-letters (and acks), in the same step as each claim, the entries
   * whose payload was trimmed while `from` held them: Redis would drop them from the PEL without a trace.
   */
  async handover(group: string, from: string, to: string): Promise<HandoverResult> {
    const result = await this.#stream.handoverPending(group, from, to, { deadLetterKey: this.key });
    await this.#written(result.deadLettered?.length ?? 0);
    return result;
  }

  /** The newest `count` dead letters, newest first; with `before` (a letter's ID), the ones older than it. */
  async newest(count = 50, before?: string): Promise<DeadLetter[]> {
    assertInteger(count, 'count', 1);
    if (before !== undefined) assertEntryId(before, 'before');
    // A bare millisecond as an end means its last sequence: letters after its sequence 0 would be listed.
    const end = before === undefined ? '+' : `(${fullEntryId(before)}`;
    if (isBeyondIdSpace('-', end)) return [];
    const reply = await redisCommand('XREVRANGE (dead letters)', () =>
      this.#stream.redis.call('XREVRANGE', this.key, end, '-', 'COUNT', count),
    );
    return parseFlatEntries(reply).map(({ id, flat }) => toDeadLetter(id, flat));
  }

  /**
   * `newest`, bounded: each letter's payload and its original ID, group, consumer and reason cut to `bounds`,
   * shortened by a script in Redis so that only about what is returned crosses the wire, and stopping short within
   * `bounds.bytes` and `bounds.readBytes` (see `EntryBounds`). Its own ID
   * is whole: `requeue` and `discard` take it, and read the letter whole in Redis. For a view read again and again,
   * where another application's megabyte letters would otherwise cross the wire whole each time.
   * @example
   *   const { entries } = await dlq.newestBounded(50, { fields: 100, chars: 1_000, bytes: 256 * 1024, readBytes: 1 << 20 });
   */
  async newestBounded(
    count: number,
    bounds: EntryBounds,
    before?: string,
  ): Promise<BoundedRead<BoundedDeadLetter>> {
    assertInteger(count, 'count', 1);
    assertEntryBounds(bounds);
    if (before !== undefined) assertEntryId(before, 'before');
    const end = before === undefined ? '+' : `(${fullEntryId(before)}`;
    if (isBeyondIdSpace('-', end)) return { entries: [], stoppedShort: false };
    const read = boundedReadCommand(this.#stream.redis);
    const start = { order: 'newest', bound: end, letters: true } as const;
    return readBounded(read, this.key, start, count, bounds, boundedLetter);
  }

  async length(): Promise<number> {
    return Number(await redisCommand('XLEN (dead letters)', () => this.#stream.redis.call('XLEN', this.key)));
  }

  /**
   * Appends the original event to the stream again (fresh ID and ts_ms) and removes the dead letter; `null`
   * when there is no such letter. Every group receives the copy, not only the letter's: the copy carries the
   * original's ID in `requeued_from` (the first original's, when requeued again), so an idempotent handler
   * can key on it and a group that had processed the original can tell the copy is a duplicate. A letter
   * of an entry whose payload was trimmed while it was pending has nothing to put back:
   * `NothingToRequeueError`, and the letter stays.
   *
   * A stream with no room (a group has MAXLEN entries or more yet to read or ack, see `EventStream.room`)
   * takes not even this one: `NoRoomError`, and the letter stays. One append there is not one entry lost:
   * `XADD MAXLEN ~` trims a whole node of the oldest entries at a time, up to 100 of them unread.
   */
  async requeue(id: string): Promise<RequeueResult | null> {
    assertEntryId(id, 'id');
    const letterId = fullEntryId(id);
    const room = await this.#stream.room(1);
    if (room !== null && room.room === 0) {
      // A letter that appends nothing (gone, trimmed or wide) is answered as ever, room or not.
      const [letter] = await this.#lettersBetween(letterId, letterId, 1);
      if (letter === undefined) return null;
      if (letter.appends) {
        throw new NoRoomError(
          `dead letter ${id} (of ${letter.originalId || 'an unknown entry'}) stays: ${noRoom(this.streamKey, room)}`,
          room,
        );
      }
    }
    const outcome = await this.#requeueOne(letterId);
    if (outcome === null || !('refused' in outcome)) return outcome;
    const of = outcome.originalId || 'an unknown entry';
    if (outcome.refused === 'wide') {
      throw new RequeueRefusedError(
        `dead letter ${id} (of ${of}) holds an entry of more than ${MAX_LETTER_FIELDS.toLocaleString('en-US')} fields, more than a script can append in one step: read it with newest(), append it yourself, then discard the letter`,
      );
    }
    throw new NothingToRequeueError(
      `dead letter ${id} (of ${of}) has no original fields to requeue: its payload was trimmed while it was pending; discard it instead`,
    );
  }

  /**
   * Requeues every letter up to and including `through` (the newest one a person saw), oldest first, each as
   * `requeue` does it: appended and removed in one step. Letters written since stay, those written while it
   * runs too (a `through` past the newest letter is read as the newest). A letter that cannot be
   * requeued (its payload trimmed, or too wide for a script) stays too and is reported; it does not stop the
   * rest. The DLQ is read a page at a time, and at most `limit` letters (10,000 by default) are looked at:
   * `more` says letters through `through` were left unread for another call (which looks at the skipped ones
   * again first). Stopped part-way (Redis went away, or `signal` aborted), it throws a `RequeueStoppedError`
   * saying how many went back.
   *
   * It never pushes the stream past what its groups still need: before each page it asks `EventStream.room`
   * and requeues only as many letters as fit, so `XADD MAXLEN ~` trims no entry a group has yet to read or
   * ack. With no room it waits for the groups to catch up, looking again every `roomPollMs`, up to
   * `roomWaitMs` in all; then it stops with the rest left in the DLQ, and `stoppedForRoom` says so, naming the
   * group furthest behind. An uncapped stream, or one without groups, takes every letter. Entries others
   * append while it runs take room it counted on until its next page looks again.
   * @example
   *   const { requeued, skipped, stoppedForRoom } = await deadLetters.requeueThrough(newestShown.id, {
   *     onRequeued: (letter) => log(`${letter.originalId} is back as ${letter.requeuedAs}`),
   *   });
   *   if (stoppedForRoom) log(`${stoppedForRoom.left} stay until ${stoppedForRoom.group} catches up`);
   */
  async requeueThrough(through: string, options: RequeueThroughOptions = {}): Promise<RequeueThroughResult> {
    assertEntryId(through, 'through');
    assertOptions(options, 'requeueThrough options', REQUEUE_THROUGH_OPTIONS);
    const {
      limit = REQUEUE_THROUGH_LIMIT,
      onRequeued,
      roomWaitMs = ROOM_WAIT_MS,
      roomPollMs = ROOM_POLL_MS,
      signal,
    } = options;
    assertInteger(limit, 'limit', 1);
    if (onRequeued !== undefined && typeof onRequeued !== 'function') {
      throw new StreamArgumentError(`onRequeued must be a function, got ${show(onRequeued)}`);
    }
    assertInteger(roomWaitMs, 'roomWaitMs', 0);
    assertInteger(roomPollMs, 'roomPollMs', 1);
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new StreamArgumentError(`signal must be an AbortSignal, got ${show(signal)}`);
    }
    const progress = { requeued: 0, unanswered: 0 };
    try {
      return await this.#requeueThrough(
        through,
        { limit, onRequeued, roomWaitMs, roomPollMs, signal },
        progress,
      );
    } catch (error) {
      // Wherever it stopped (reading a page, running its scripts, waiting for room), the letters already back
      // are back; and those of the page whose replies the failure took may be too (a dropped connection: "may
      // have run").
      const { requeued, unanswered } = progress;
      const maybe = unanswered > 0 ? ` (and up to ${unanswered} more, whose replies were lost)` : '';
      const message = error instanceof Error ? error.message : String(error);
      throw new RequeueStoppedError(
        `requeue through ${through} stopped after ${requeued} requeued${maybe}: ${message}`,
        progress,
        { cause: error },
      );
    }
  }

  /** `requeueThrough`, counting in `progress` what it did, for the message should it stop part-way. */
  async #requeueThrough(
    through: string,
    options: RequeueThroughSettings,
    progress: { requeued: number; unanswered: number },
  ): Promise<RequeueThroughResult> {
    const { limit, onRequeued, signal } = options;
    signal?.throwIfAborted();
    let seen = 0;
    const skipped: SkippedLetter[] = [];
    const skippedBy = { trimmed: 0, wide: 0 };
    const waited = { ms: 0 };
    // An entry put back once reaches every group: its other letters (each group that dead-lettered a poison
    // pill wrote one) are discarded, not appended again, or every group received it once per letter.
    const putBack = new Set<string>();
    let merged = 0;
    const done = (more: boolean, stoppedForRoom: RoomStop | null = null) => ({
      requeued: progress.requeued,
      skipped: skippedBy.trimmed + skippedBy.wide,
      skippedBy: { ...skippedBy },
      skippedLetters: skipped,
      merged,
      more,
      stoppedForRoom,
    });
    const settle = (id: string, value: RequeueOutcome) => {
      // `null`: requeued or discarded by someone else since the page was read.
      if (value === null) return;
      if ('refused' in value) {
        skippedBy[value.refused] += 1;
        if (skipped.length < SKIPPED_LISTED)
          skipped.push({ id, originalId: value.originalId, reason: value.refused });
        return;
      }
      if (value.originalId !== '') putBack.add(value.originalId);
      progress.requeued += 1;
      onRequeued?.(value);
    };
    // Letters written during the call are not the caller's to requeue, whatever `through` says (the largest
    // ID, a clock ahead): the newest letter now bounds it too. Otherwise a poison letter requeued on one page
    // and dead-lettered again before the next would be requeued again, and counted twice.
    const [newest] = await this.newest(1);
    if (newest === undefined) return done(false);
    // As an XRANGE end, a bare millisecond `through` means all of it, as in discardThrough.
    const end = compareEntryIds(newest.id, lastIdOf(through)) < 0 ? newest.id : through;
    let start = '-';
    while (seen < limit) {
      signal?.throwIfAborted();
      const letters = await this.#lettersBetween(start, end, Math.min(REQUEUE_PAGE, limit - seen));
      if (letters.length === 0) return done(false);
      const fit = await this.#roomFor(letters, options, waited);
      if (typeof fit !== 'number') {
        const left = await this.#countBetween(start, end);
        return done(false, { maxlen: fit.maxlen, group: fit.group, waitedMs: waited.ms, left });
      }
      const page = letters.slice(0, fit);
      seen += page.length;
      // The first letter of each entry goes in the page's one round trip (Redis runs the scripts in the order
      // sent, so the copies keep the letters' order); a later one of the same entry waits for its answer.
      const firsts: PageLetter[] = [];
      const repeats: PageLetter[] = [];
      const inPage = new Set<string>();
      for (const letter of page) {
        const original = letter.originalId;
        if (original !== '' && (putBack.has(original) || inPage.has(original))) repeats.push(letter);
        else {
          firsts.push(letter);
          if (original !== '') inPage.add(original);
        }
      }
      // Each settles alone, so a failure halfway still reports the letters already back.
      const outcomes = await Promise.allSettled(firsts.map((letter) => this.#requeueOne(letter.id)));
      let failure: unknown;
      outcomes.forEach((outcome, at) => {
        if (outcome.status === 'rejected') {
          failure ??= outcome.reason;
          progress.unanswered += 1;
        } else settle(firsts[at]?.id ?? '', outcome.value);
      });
      if (failure !== undefined) throw failure;
      for (const letter of repeats) {
        if (putBack.has(letter.originalId)) {
          if (await this.discard(letter.id)) merged += 1;
        } else {
          // Its entry's first letter was not put back (trimmed, say): this one may be.
          settle(letter.id, await this.#requeueOne(letter.id));
        }
      }
      start = `(${page.at(-1)?.id}`;
    }
    return done((await this.#lettersBetween(start, end, 1)).length > 0);
  }

  /**
   * How many of `letters` (a page, oldest first) can go now: the most that leave the stream room for what its
   * groups still need, letters that append nothing (trimmed, wide) taking none. With none that can, it waits
   * for room, adding the time to `waited`, up to `roomWaitMs` in all; then it answers the room it found.
   */
  async #roomFor(
    letters: readonly PageLetter[],
    { roomWaitMs, roomPollMs, signal }: RequeueThroughSettings,
    waited: { ms: number },
  ): Promise<number | StreamRoom> {
    const appending = letters.filter((letter) => letter.appends).length;
    for (;;) {
      const room = appending === 0 ? null : await this.#stream.room(appending);
      if (room === null) return letters.length;
      const fit = lettersWithin(letters, room.room);
      if (fit > 0 || waited.ms >= roomWaitMs) return fit > 0 ? fit : room;
      const pause = Math.min(roomPollMs, roomWaitMs - waited.ms);
      const before = performance.now();
      // Rejects only when aborted: then with the signal's own reason, as between pages.
      await sleep(pause, undefined, { signal }).catch(() => signal?.throwIfAborted());
      waited.ms += Math.round(performance.now() - before);
    }
  }

  /** Up to `count` letters from `start` to `end`, oldest first, each with whether requeueing it appends. */
  async #lettersBetween(start: string, end: string, count: number): Promise<PageLetter[]> {
    if (isBeyondIdSpace(start, end)) return [];
    const reply = await redisCommand('XRANGE (dead letters)', () =>
      this.#stream.redis.call('XRANGE', this.key, start, end, 'COUNT', count),
    );
    return parseFlatEntries(reply).map(({ id, flat }) => {
      const { meta, at } = letterMeta(flat);
      return { id, originalId: meta.dlq_original_id ?? '', appends: appendsOnRequeue(flat, at) };
    });
  }

  /** How many letters lie from `start` to `end`, counted by script: only the count crosses the wire. */
  #countBetween(start: string, end: string): Promise<number> {
    return redisCommand('XRANGE (count dead letters)', () =>
      countRangePaged(
        (from, to, count) => this.#stream.redis.eval(COUNT_RANGE_LUA, 1, this.key, from, to, String(count)),
        start,
        end,
        Number.MAX_SAFE_INTEGER,
      ),
    );
  }

  /**
   * One letter (a full ID, as XDEL reads it: as a range, a bare millisecond would find that millisecond's
   * first letter, whichever it is, and the XDEL of its sequence 0 would leave that letter to be requeued
   * again) appended and removed in one step; `null` when there is no such letter; `refused` when it stays.
   */
  async #requeueOne(letterId: string): Promise<RequeueOutcome> {
    const maxlen = this.#stream.maxlenApprox === null ? '' : String(this.#stream.maxlenApprox);
    const reply = await redisCommand('requeue', () =>
      this.#stream.redis.eval(
        REQUEUE_LUA,
        2,
        this.key,
        this.#stream.streamKey,
        letterId,
        maxlen,
        String(Date.now()),
      ),
    );
    if (reply === null || reply === undefined) return null;
    const [requeuedAs, originalId = '', eventType, why] = (reply as unknown[]).map(String);
    if (why === 'wide') return { refused: 'wide', originalId };
    if (!requeuedAs) return { refused: 'trimmed', originalId };
    return { requeuedAs, originalId, eventType: eventType || null };
  }

  /**
   * Deletes every letter up to and including `through` (the newest one a person saw), leaving any written
   * since; answers how many went. One `XTRIM MINID`, so hundreds go in one step, not one call each.
   * @example await deadLetters.discardThrough(newestShown.id);
   */
  async discardThrough(through: string): Promise<number> {
    assertEntryId(through, 'through');
    const after = nextEntryId(through);
    // Through the last ID there is, every letter goes: no MINID is past it (its successor was an invalid ID).
    const trim = after === null ? ['MAXLEN', '0'] : ['MINID', after];
    const deleted = await redisCommand('XTRIM (dead letters)', () =>
      this.#stream.redis.call('XTRIM', this.key, ...trim),
    );
    return Number(deleted);
  }

  async discard(id: string): Promise<boolean> {
    assertEntryId(id, 'id');
    const deleted = await redisCommand('XDEL (dead letters)', () =>
      this.#stream.redis.call('XDEL', this.key, id),
    );
    return Number(deleted) > 0;
  }

  /**
   * Counts letters written and keeps the DLQ within its cap. A failed trim is left to the next write: the
   * letters are written, and reporting a failure here would have the caller write them again.
   */
  async #written(letters: number): Promise<void> {
    if (letters === 0) return;
    this.#count += letters;
    if (this.maxlenApprox === null) return;
    await this.#stream.redis.call('XTRIM', this.key, 'MAXLEN', '~', this.maxlenApprox).catch(() => {});
  }

  async clear(): Promise<void> {
    await redisCommand('DEL (dead letters)', () => this.#stream.redis.call('DEL', this.key));
    this.#count = 0;
  }
}

/** Everything a letter records, checked: a Redis call with `undefined` would write it as an empty field. */
function assertDeadLetterInfo(info: DeadLetterInfo): void {
  assertOptions(info, 'dead-letter info', DEAD_LETTER_INFO);
  assertName(info.group, 'group');
  assertName(info.consumer, 'consumer');
  if (info.deliveryCount !== null) assertInteger(info.deliveryCount, 'deliveryCount', 0);
  assertName(info.reason, 'reason');
  if (info.stillPending !== undefined) assertBoolean(info.stillPending, 'stillPending');
  const { fields } = info;
  if (fields === null) return;
  assertOptions(fields, 'fields (or null when trimmed)');
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') {
      throw new StreamArgumentError(`fields must hold strings, got ${show(value)} for field ${show(name)}`);
    }
  }
}

/**
 * A letter's own fields, read as the requeue script reads them (each of them once, up to the first field that
 * is not one), and where its payload begins.
 */
function letterMeta(flat: readonly string[]): { meta: Partial<Record<MetaName, string>>; at: number } {
  const meta: Partial<Record<MetaName, string>> = {};
  let at = 0;
  for (; at + 1 < flat.length && at < META.length * 2; at += 2) {
    const name = flat[at];
    if (!isMeta(name) || meta[name] !== undefined) break;
    meta[name] = flat[at + 1] ?? '';
  }
  return { meta, at };
}

/**
 * Whether requeueing the letter appends to the stream: it holds a payload (from `at` on), and not one too wide
 * for the script. The script's own judgement is the one that counts; this one errs only towards appending
 * (a WIDE_PAYLOAD_FIELD holding a JSON object the script refuses), so room is never short for what it appends.
 */
function appendsOnRequeue(flat: readonly string[], at: number): boolean {
  if (at + 1 >= flat.length) return false;
  return !(flat.length === at + 2 && flat[at] === WIDE_PAYLOAD_FIELD && unwrapWide(flat[at + 1]) !== null);
}

/** How many of `letters` go before the one that would append past `room`: those that append nothing go free. */
function lettersWithin(letters: readonly PageLetter[], room: number): number {
  let appending = 0;
  let at = 0;
  for (; at < letters.length; at += 1) {
    if (!letters[at]?.appends) continue;
    if (appending === room) break;
    appending += 1;
  }
  return at;
}

/** Why a stream with no room has none, in words. (Room is counted up to MAXLEN: with none, MAXLEN or more.) */
function noRoom(streamKey: string, room: StreamRoom): string {
  return `the stream ${streamKey} (MAXLEN ~ ${room.maxlen}) has no room until group ${room.group} catches up: it has ${room.maxlen} or more entries yet to read or ack, which an append could trim`;
}

/** A row of the bounded read as a letter: its own fields cut as its payload's are, each one cut counted. */
function boundedLetter(row: BoundedRow, chars: number): BoundedDeadLetter {
  let values = 0;
  const own = (slot: number, counted: boolean) => {
    const text = row.head?.[slot - 1] ?? null;
    if (text === null) return null;
    const shown = cutText(text, chars, row.headShortened.has(slot));
    if (counted && shown !== text) values += 1;
    return shown;
  };
  const originalId = own(1, true) ?? '';
  const group = own(2, true) ?? '';
  const consumer = own(3, true) ?? '';
  // Numbers, not text a person reads: cut (a megabyte of digits is no count), but not counted as values cut.
  const deliveryCount = own(4, false);
  const reason = own(5, true) ?? '';
  const ts = own(6, false);
  const { fields, cut } = rowFields(row, chars);
  const letter = {
    id: row.id,
    originalId,
    group,
    consumer,
    deliveryCount: deliveryCount ? Number(deliveryCount) : null,
    reason,
    ts: Number(ts ?? entryIdTime(row.id)),
    fields,
  };
  const left = cut?.fields ?? 0;
  values += cut?.values ?? 0;
  return left + values === 0 ? letter : { ...letter, cut: { fields: left, values } };
}

function toDeadLetter(id: string, flat: readonly string[]): DeadLetter {
  const { meta, at: payloadAt } = letterMeta(flat);
  let at = payloadAt;
  const original: Record<string, string> = {};
  const payload = flat.length === at + 2 && flat[at] === WIDE_PAYLOAD_FIELD ? unwrapWide(flat[at + 1]) : null;
  if (payload)
    for (let i = 0; i + 1 < payload.length; i += 2)
      setField(original, payload[i] ?? '', payload[i + 1] ?? '');
  else for (; at + 1 < flat.length; at += 2) setField(original, flat[at] ?? '', flat[at + 1] ?? '');
  const count = meta.dlq_delivery_count;
  return {
    id,
    originalId: meta.dlq_original_id ?? '',
    group: meta.dlq_group ?? '',
    consumer: meta.dlq_consumer ?? '',
    deliveryCount: count ? Number(count) : null,
    reason: meta.dlq_reason ?? '',
    ts: Number(meta.dlq_ts_ms ?? entryIdTime(id)),
    fields: original,
  };
}

/** The most fields an entry may have for its letter to hold them as fields: what `produceBatch` can write. */
const MAX_LETTER_FIELDS = MAX_BATCH_EVENT_FIELDS + FIXED_FIELDS.length;

/** A letter's payload pairs: the entry's fields, or one WIDE_PAYLOAD_FIELD holding them when too many. */
function letterPayload(fields: EventFields | null): string[] {
  const flat = Object.entries(fields ?? {}).flat();
  return flat.length / 2 > MAX_LETTER_FIELDS ? [WIDE_PAYLOAD_FIELD, JSON.stringify(flat)] : flat;
}

/** The names and values a WIDE_PAYLOAD_FIELD holds; `null` when it holds something else (then it is payload). */
function unwrapWide(json: string | undefined): string[] | null {
  try {
    const flat: unknown = JSON.parse(json ?? '');
    return Array.isArray(flat) && flat.every((item) => typeof item === 'string') ? flat : null;
  } catch {
    return null;
  }
}
