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
import { letterMeta, letterPayload, unwrapWide } from './dead-letter-layout.js';
import {
  DeadLetterRequeuer,
  type RequeueThroughOptions,
  type RequeueThroughResult,
  type SingleRequeueResult,
} from './dead-letter-requeuer.js';
import {
  DEAD_LETTER_LUA,
  PENDING_DEAD_LETTER_LUA,
  requeueMarksKey,
  WIDE_PAYLOAD_FIELD,
} from './dead-letter-scripts.js';
import { redisCommand, StreamArgumentError } from './errors.js';
import { type AutoclaimOptions, assertEventStream, type EventStream } from './event-stream.js';
import { InProcessPeers } from './in-process-peers.js';
import { type BoundedRow, parseFlatEntries, parseLettersOf, setField } from './replies.js';
import {
  assertEntryId,
  entryIdTime,
  fullEntryId,
  ID_AHEAD_TOLERANCE_MS,
  isBeyondIdSpace,
  nextEntryId,
  show,
} from './stream-ids.js';
import { BOUNDED_READ_COMMAND, LETTERS_OF_COMMAND, libraryScript } from './stream-scripts.js';
import type { AutoclaimResult, EventFields, HandoverResult, PendingEntry } from './types.js';

export type {
  RequeueResult,
  RequeueThroughOptions,
  RequeueThroughResult,
  RoomStop,
  SingleRequeueResult,
  SkippedLetter,
} from './dead-letter-requeuer.js';

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

/** A letter's own fields, without its payload (see `DeadLetters.lettersOf`). */
export type DeadLetterMeta = Omit<DeadLetter, 'fields'>;

/** The characters `lettersOf` keeps of a letter's own values: a handler's error message may run long. */
export const LETTER_META_CHARS = 1_000;

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

export interface SendPendingOptions {
  /** Leave the entry alone unless it has been idle this long (its consumer may be handling it); 0 by default. */
  readonly minIdleMs?: number;
}

/** What `sendPending` did: the letter it wrote, or why it wrote none. */
export type SendPendingResult =
  | {
      readonly sent: true;
      /** The entry's ID, whole (a bare millisecond given is its sequence 0). */
      readonly id: string;
      /** The letter's ID in the dead-letter stream. */
      readonly letterId: string;
      /** The consumer that held it. */
      readonly consumer: string;
      readonly deliveryCount: number;
      /** Its payload had been trimmed from the stream: the letter holds none, and there is nothing to requeue. */
      readonly trimmed: boolean;
    }
  | {
      readonly sent: false;
      /**
       * `null`: not pending in the group. Otherwise its row: pending, but idle less than `minIdleMs` (a claim
       * between the read and the letter leaves it so), or claimed anew each time it was read.
       */
      readonly pending: PendingEntry | null;
      /**
       * The consumer whose worker in this process has it in hand, idle past `minIdleMs` or not (a handler slower
       * than that, or a batch waiting its turn): a letter would have it both parked and processed.
       */
      readonly inHand?: string;
    };

const SEND_PENDING_OPTIONS = optionNames<SendPendingOptions>({ minIdleMs: true });

/** How many times `sendPending` reads an entry again that was claimed between its read and its letter. */
const SEND_PENDING_ATTEMPTS = 3;

/** A letter's field/value pairs: its own fields first, as DeadLetters reads them, then the entry's. */
function letterPairs(entryId: string, info: DeadLetterInfo): string[] {
  return [
    ...['dlq_original_id', entryId, 'dlq_group', info.group, 'dlq_consumer', info.consumer],
    ...['dlq_delivery_count', info.deliveryCount === null ? '' : String(info.deliveryCount)],
    ...['dlq_reason', info.reason, 'dlq_ts_ms', String(Date.now())],
    ...letterPayload(info.fields),
  ];
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
const DEAD_LETTER_INFO = optionNames<DeadLetterInfo>({
  group: true,
  consumer: true,
  deliveryCount: true,
  reason: true,
  fields: true,
  stillPending: true,
});

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
  /**
   * The hash of entries a requeue put back and whose other letters it has yet to discard (`<key>:requeued`):
   * see `finishRequeues`.
   */
  readonly marksKey: string;
  /** The stream whose entries this DLQ receives. */
  readonly streamKey: string;
  /** `XTRIM MAXLEN ~` applied after each write; `null` keeps every letter. */
  readonly maxlenApprox: number | null;
  readonly #stream: EventStream;
  readonly #requeuer: DeadLetterRequeuer;
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
    const marksKey = requeueMarksKey(key);
    if (marksKey === stream.streamKey) {
      throw new StreamArgumentError(
        `the dead-letter key ${show(key)} would keep its requeue marks at ${show(marksKey)}, the stream key: name another`,
      );
    }
    if (maxlenApprox !== null) assertInteger(maxlenApprox, 'maxlenApprox', 1);
    this.#stream = stream;
    this.streamKey = stream.streamKey;
    this.key = key;
    this.marksKey = marksKey;
    this.maxlenApprox = maxlenApprox;
    this.#requeuer = new DeadLetterRequeuer(stream, this);
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
    const pairs = letterPairs(entryId, info);
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
   * Dead-letters one entry pending in `group` as it stands, by hand: an operator parking a poison pill its
   * group's workers keep failing, to requeue once the handler is fixed. The letter names the consumer holding it
   * and its delivery count, as XPENDING has them, and the entry is acked in the same step. Not sent when it is not
   * pending there (`pending: null`: never delivered, acked, or dead-lettered meanwhile), nor while it has been idle
   * less than `minIdleMs` (`pending` is its row): its consumer may be handling it, as XAUTOCLAIM would judge.
   * @example
   *   const outcome = await dlq.sendPending('billing', '1712345678901-0', 'parked by hand', { minIdleMs: 5_000 });
   *   if (!outcome.sent) console.log(outcome.pending === null ? 'not pending' : `idle ${outcome.pending.idleMs} ms`);
   */
  async sendPending(
    group: string,
    id: string,
    reason: string,
    options: SendPendingOptions = {},
  ): Promise<SendPendingResult> {
    assertName(group, 'group');
    assertEntryId(id, 'id');
    assertName(reason, 'reason');
    assertOptions(options, 'sendPending options', SEND_PENDING_OPTIONS);
    const { minIdleMs = 0 } = options;
    assertInteger(minIdleMs, 'minIdleMs', 0);
    const entryId = fullEntryId(id);
    // The letter is written only if the entry is still pending as read here: claimed meanwhile (a reaper, an
    // XAUTOCLAIM by hand), it is in its new consumer's hands, and a letter would have it both processed and
    // parked. It is then read again, and is most likely idle under minIdleMs.
    for (let attempt = 1; ; attempt += 1) {
      const [row] = await this.#stream.pendingDetail(group, { start: entryId, end: entryId, count: 1 });
      if (row === undefined) return { sent: false, pending: null };
      if (row.idleMs < minIdleMs || attempt > SEND_PENDING_ATTEMPTS) return { sent: false, pending: row };
      // Idle time says when it was delivered, not whether its handling is over: a worker here knows.
      const inHand = new InProcessPeers(this.#stream.redis, this.streamKey, group).holder(entryId);
      if (inHand !== undefined) return { sent: false, pending: row, inHand };
      // Trimmed while pending, it has no fields to keep: the letter says where it was, as a trimmed one does.
      const [entry] = await this.#stream.replay(entryId, entryId, 1);
      const pairs = letterPairs(entryId, {
        group,
        consumer: row.consumer,
        deliveryCount: row.deliveries,
        reason,
        fields: entry?.fields ?? null,
      });
      const reply = await redisCommand('dead-letter write', () =>
        this.#stream.redis.eval(
          PENDING_DEAD_LETTER_LUA,
          2,
          this.#stream.streamKey,
          this.key,
          group,
          entryId,
          row.consumer,
          String(row.deliveries),
          String(minIdleMs),
          ...pairs,
        ),
      );
      if (reply === null || reply === undefined) continue;
      await this.#written(1);
      return {
        sent: true,
        id: entryId,
        letterId: String(reply),
        consumer: row.consumer,
        deliveryCount: row.deliveries,
        trimmed: entry === undefined,
      };
    }
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
    const read = libraryScript(this.#stream.redis, BOUNDED_READ_COMMAND);
    const start = { order: 'newest', bound: end, letters: true } as const;
    return readBounded(read, this.key, start, count, bounds, boundedLetter);
  }

  /**
   * The letters of one entry (dead-lettered in one group or in several), oldest first, without their payloads: read
   * in one script from the original ID's millisecond on (no letter of it is older), or, for an entry whose ID is
   * ahead of its time (an ID its producer chose, whose letters may be older than it), from its `ts_ms` (less 5 s of
   * clock skew), or from the DLQ's first letter once it is gone and its ID is ahead of now; up to `scanMax` letters, and
   * `complete` false when that bound, or `max` found, stopped it short. Each of a letter's own values is cut at
   * {@link LETTER_META_CHARS} characters.
   * @example
   *   const { letters } = await dlq.lettersOf('1712345678901-0');
   *   for (const letter of letters) console.log(letter.group, letter.reason);
   */
  async lettersOf(
    originalId: string,
    options: { readonly scanMax?: number; readonly max?: number } = {},
  ): Promise<{ letters: DeadLetterMeta[]; complete: boolean }> {
    assertOptions(options, 'lettersOf options', ['scanMax', 'max']);
    const { scanMax = DEAD_LETTERS_MAXLEN, max = 20 } = options;
    assertEntryId(originalId, 'originalId');
    assertInteger(scanMax, 'scanMax', 1);
    assertInteger(max, 'max', 1);
    const whole = fullEntryId(originalId);
    const lettersOf = libraryScript(this.#stream.redis, LETTERS_OF_COMMAND);
    const reply = await redisCommand('XRANGE (dead letters)', () =>
      lettersOf(
        this.key,
        this.#stream.streamKey,
        whole,
        // Its millisecond part as written: as a Number, one past 2^53 would be rounded to an ID Redis refuses.
        whole.slice(0, whole.indexOf('-')),
        String(scanMax),
        String(max),
        String(LETTER_META_CHARS),
        String(ID_AHEAD_TOLERANCE_MS),
      ),
    );
    const { letters: found, complete } = parseLettersOf(reply);
    const letters = found.map(({ id, flat }): DeadLetterMeta => {
      const { fields: _payload, ...letter } = toDeadLetter(id, flat);
      const cut = (text: string) => cutText(text, LETTER_META_CHARS);
      return {
        ...letter,
        group: cut(letter.group),
        consumer: cut(letter.consumer),
        reason: cut(letter.reason),
      };
    });
    return { letters, complete };
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
   * `NothingToRequeueError`, and the letter stays. The entry's other letters (each group that dead-lettered a
   * poison pill wrote one) are discarded just after, counted in `merged`: the one copy reaches every group.
   *
   * A stream with no room (a group has MAXLEN entries or more yet to read or ack, see `EventStream.room`)
   * takes not even this one: `NoRoomError`, and the letter stays. One append there is not one entry lost:
   * `XADD MAXLEN ~` trims a whole node of the oldest entries at a time, up to 100 of them unread.
   */
  async requeue(id: string): Promise<SingleRequeueResult | null> {
    return this.#requeuer.requeue(id);
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
    return this.#requeuer.requeueThrough(through, options);
  }

  /**
   * Finishes the requeues a process left half done: it put an entry back (and marked it, in the same step) but
   * died, or lost Redis, before it discarded the entry's other letters. Each marked entry's other letters go, as
   * `requeue` would have discarded them, and its mark is cleared; answers how many requeues were finished and
   * how many letters went. Until then a requeue of one of those letters discards it rather than put the entry
   * back twice, so this only tidies: an application calls it at start. It reads the DLQ once per 2,000 marks.
   * @example
   *   const { requeues, merged } = await deadLetters.finishRequeues();
   *   if (requeues > 0) log(`${requeues} cut-off requeues finished: ${merged} letters discarded`);
   */
  async finishRequeues(): Promise<{ requeues: number; merged: number }> {
    return this.#requeuer.finishRequeues();
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
    await redisCommand('DEL (dead letters)', () => this.#stream.redis.call('DEL', this.key, this.marksKey));
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
    deliveryCount: wholeNumberOrNull(deliveryCount),
    reason,
    ts: wholeNumberOrNull(ts) ?? entryIdTime(row.id),
    fields,
  };
  const left = cut?.fields ?? 0;
  values += cut?.values ?? 0;
  return left + values === 0 ? letter : { ...letter, cut: { fields: left, values } };
}

/**
 * A letter's count or time, which any client may write as any text: `null` unless it is a whole number. Read with
 * `Number`, `notanumber` was NaN, sent as `null` where a page's schema wants a number, and every snapshot carrying
 * the letter was dropped: pages froze while saying they were connected.
 */
function wholeNumberOrNull(text: string | null | undefined): number | null {
  return text != null && /^\d{1,15}$/.test(text) ? Number(text) : null;
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
    deliveryCount: wholeNumberOrNull(count),
    reason: meta.dlq_reason ?? '',
    ts: wholeNumberOrNull(meta.dlq_ts_ms) ?? entryIdTime(id),
    fields: original,
  };
}
