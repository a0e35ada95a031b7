import { assertBoolean, assertInteger, assertName, assertOptions } from './arguments.js';
import { DEAD_LETTER_LUA, REQUEUE_LUA, WIDE_PAYLOAD_FIELD } from './dead-letter-scripts.js';
import {
  NothingToRequeueError,
  RequeueRefusedError,
  RequeueStoppedError,
  redisCommand,
  StreamArgumentError,
} from './errors.js';
import { MAX_BATCH_EVENT_FIELDS } from './event-encoding.js';
import { type AutoclaimOptions, assertEventStream, type EventStream } from './event-stream.js';
import { parseFlatEntries, setField } from './replies.js';
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
  /** It stopped at `limit` with letters through `through` still unread. */
  readonly more: boolean;
}

/** Letters `requeueThrough` reads (and requeues) per round trip. */
const REQUEUE_PAGE = 100;
const REQUEUE_THROUGH_LIMIT = 10_000;
/** Skipped letters a result names; the count covers the rest. */
const SKIPPED_LISTED = 100;

export interface DeadLetter extends Omit<DeadLetterInfo, 'fields'> {
  /** Its ID in the dead-letter stream. */
  readonly id: string;
  readonly originalId: string;
  readonly ts: number;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * A letter's own fields, always written first and in this order (by `send` and by the scripts); what follows
 * is the original payload, whatever its field names: a payload field named `dlq_reason` is payload.
 */
/** The default cap: a poison storm must not grow the DLQ without bound. */
export const DEAD_LETTERS_MAXLEN = 10_000;

export interface DeadLettersOptions {
  /**
   * Cap on the dead-letter stream, applied with `XTRIM MAXLEN ~` after each write (the oldest letters go
   * first); 10,000 by default, `null` keeps every letter.
   */
  readonly maxlenApprox?: number | null;
}

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
    assertOptions(options, 'DeadLetters options');
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
   */
  async requeue(id: string): Promise<RequeueResult | null> {
    assertEntryId(id, 'id');
    const outcome = await this.#requeueOne(fullEntryId(id));
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
   * again first). Stopped part-way (Redis went away), it throws a `RequeueStoppedError` saying how many went back.
   * @example
   *   const { requeued, skipped } = await deadLetters.requeueThrough(newestShown.id, {
   *     onRequeued: (letter) => log(`${letter.originalId} is back as ${letter.requeuedAs}`),
   *   });
   */
  async requeueThrough(through: string, options: RequeueThroughOptions = {}): Promise<RequeueThroughResult> {
    assertEntryId(through, 'through');
    assertOptions(options, 'requeueThrough options');
    const { limit = REQUEUE_THROUGH_LIMIT, onRequeued } = options;
    assertInteger(limit, 'limit', 1);
    if (onRequeued !== undefined && typeof onRequeued !== 'function') {
      throw new StreamArgumentError(`onRequeued must be a function, got ${show(onRequeued)}`);
    }
    const progress = { requeued: 0, unanswered: 0 };
    try {
      return await this.#requeueThrough(through, limit, progress, onRequeued);
    } catch (error) {
      // Wherever it stopped (reading a page or running its scripts), the letters already back are back; and
      // those of the page whose replies the failure took may be too (a dropped connection: "may have run").
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
    limit: number,
    progress: { requeued: number; unanswered: number },
    onRequeued: ((result: RequeueResult) => void) | undefined,
  ): Promise<RequeueThroughResult> {
    let seen = 0;
    const skipped: SkippedLetter[] = [];
    const skippedBy = { trimmed: 0, wide: 0 };
    const done = (more: boolean) => ({
      requeued: progress.requeued,
      skipped: skippedBy.trimmed + skippedBy.wide,
      skippedBy: { ...skippedBy },
      skippedLetters: skipped,
      more,
    });
    // Letters written during the call are not the caller's to requeue, whatever `through` says (the largest
    // ID, a clock ahead): the newest letter now bounds it too. Otherwise a poison letter requeued on one page
    // and dead-lettered again before the next would be requeued again, and counted twice.
    const [newest] = await this.newest(1);
    if (newest === undefined) return done(false);
    // As an XRANGE end, a bare millisecond `through` means all of it, as in discardThrough.
    const end = compareEntryIds(newest.id, lastIdOf(through)) < 0 ? newest.id : through;
    let start = '-';
    while (seen < limit) {
      const page = await this.#idsBetween(start, end, Math.min(REQUEUE_PAGE, limit - seen));
      if (page.length === 0) return done(false);
      seen += page.length;
      // One round trip for the page: Redis runs the scripts in the order sent, so the copies keep the
      // letters' order. Each settles alone, so a failure halfway still reports the letters already back.
      const outcomes = await Promise.allSettled(page.map((id) => this.#requeueOne(id)));
      let failure: unknown;
      outcomes.forEach((outcome, at) => {
        if (outcome.status === 'rejected') {
          failure ??= outcome.reason;
          progress.unanswered += 1;
          return;
        }
        const { value } = outcome;
        // `null`: requeued or discarded by someone else since the page was read.
        if (value === null) return;
        if ('refused' in value) {
          skippedBy[value.refused] += 1;
          const id = page[at] ?? '';
          if (skipped.length < SKIPPED_LISTED)
            skipped.push({ id, originalId: value.originalId, reason: value.refused });
          return;
        }
        progress.requeued += 1;
        onRequeued?.(value);
      });
      if (failure !== undefined) throw failure;
      start = `(${page.at(-1)}`;
    }
    return done((await this.#idsBetween(start, end, 1)).length > 0);
  }

  /** Up to `count` letter IDs from `start` to `end`, oldest first. */
  async #idsBetween(start: string, end: string, count: number): Promise<string[]> {
    if (isBeyondIdSpace(start, end)) return [];
    const reply = await redisCommand('XRANGE (dead letters)', () =>
      this.#stream.redis.call('XRANGE', this.key, start, end, 'COUNT', count),
    );
    return parseFlatEntries(reply).map(({ id }) => id);
  }

  /**
   * One letter (a full ID, as XDEL reads it: as a range, a bare millisecond would find that millisecond's
   * first letter, whichever it is, and the XDEL of its sequence 0 would leave that letter to be requeued
   * again) appended and removed in one step; `null` when there is no such letter; `refused` when it stays.
   */
  async #requeueOne(
    letterId: string,
  ): Promise<
    RequeueResult | { readonly refused: SkippedLetter['reason']; readonly originalId: string } | null
  > {
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
  assertOptions(info, 'dead-letter info');
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

function toDeadLetter(id: string, flat: readonly string[]): DeadLetter {
  const meta: Partial<Record<MetaName, string>> = {};
  let at = 0;
  for (; at + 1 < flat.length && at < META.length * 2; at += 2) {
    const name = flat[at];
    if (!isMeta(name) || meta[name] !== undefined) break;
    meta[name] = flat[at + 1] ?? '';
  }
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
