import { setTimeout as sleep } from 'node:timers/promises';
import { assertInteger, assertOptions, optionNames } from './arguments.js';
import { COUNT_RANGE_LUA, countRangePaged } from './count-range-script.js';
import { appendsOnRequeue, letterMeta, MAX_LETTER_FIELDS } from './dead-letter-layout.js';
import { REQUEUE_LUA } from './dead-letter-scripts.js';
import {
  NoRoomError,
  NothingToRequeueError,
  RequeueRefusedError,
  RequeueStoppedError,
  redisCommand,
  redisRefused,
  StreamArgumentError,
} from './errors.js';
import type { EventStream } from './event-stream.js';
import { parseFlatEntries } from './replies.js';
import { RequeueMarks } from './requeue-marks.js';
import {
  assertEntryId,
  compareEntryIds,
  entryIdTime,
  fullEntryId,
  ID_AHEAD_TOLERANCE_MS,
  isBeyondIdSpace,
  lastIdOf,
  show,
} from './stream-ids.js';
import type { StreamRoom } from './stream-room.js';

/** What `requeue` appended: the entry's new ID, and the letter's original ID and event type. */
export interface RequeueResult {
  readonly requeuedAs: string;
  readonly originalId: string;
  readonly eventType: string | null;
}

/** What `DeadLetters.requeue` did with one letter. */
export interface SingleRequeueResult extends RequeueResult {
  /**
   * The entry's other letters it discarded (each group that dead-lettered a poison pill wrote one): the one
   * copy reaches every group, so requeueing them too would deliver the entry again to each.
   */
  readonly merged: number;
  /**
   * The entry was back on the stream already, as `requeuedAs`: another of its letters was requeued first (by
   * another client at the same moment, or by a process that died before it discarded this one). This letter
   * was discarded and nothing appended; `eventType` is `null`.
   */
  readonly alreadyBack: boolean;
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
   * Letters of an entry another letter had already put back (one per group that dead-lettered it, a poison pill
   * say), in this call or by a requeue not yet done with the entry's letters: discarded, not appended again, as
   * that one copy reaches every group. Those of an entry this call put back go wherever they lie, past `through`
   * or past where it stopped too, as a single requeue's do.
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

/**
 * What one letter's requeue script did: put it back, left it (and why), discarded it as its entry was back
 * already (`mergedInto` the copy), or found it gone (`null`).
 */
type RequeueOutcome =
  | RequeueResult
  | { readonly refused: SkippedLetter['reason']; readonly originalId: string }
  | { readonly mergedInto: string; readonly originalId: string }
  | null;

/**
 * A letter of a page `requeueThrough` read, whether requeueing it appends to the stream, and whether its entry's ID
 * is ahead of the time the entry was written (its payload's `ts_ms`): an ID a producer chose, or a clock stepped
 * back, so that the entry's other letters may be older than the entry (see `RequeueMarks.finish`).
 */
interface PageLetter {
  readonly id: string;
  readonly originalId: string;
  readonly appends: boolean;
  readonly idAheadOfItsTime: boolean;
}

/** The entries a `requeueThrough` put back, and whether any of their letters was older than its entry. */
interface PutBack {
  readonly originals: Set<string>;
  olderLetter: boolean;
}

/**
 * Where `requeueThrough`'s pages stopped: what they did, the letters through `through` left unread (`null` when
 * none), and whether it stopped at `limit` or for room (its `RoomStop` but for `left`, counted afterwards).
 */
interface ThroughStop {
  readonly tally: Omit<RequeueThroughResult, 'more' | 'stoppedForRoom'>;
  readonly unread: { readonly from: string; readonly end: string } | null;
  readonly atLimit: boolean;
  readonly room: Omit<RoomStop, 'left'> | null;
}

/** Letters `requeueThrough` reads (and requeues) per round trip. */
const REQUEUE_PAGE = 100;
const REQUEUE_THROUGH_LIMIT = 10_000;
const ROOM_WAIT_MS = 5_000;
const ROOM_POLL_MS = 100;
/** Skipped letters a result names; the count covers the rest. */
const SKIPPED_LISTED = 100;

const REQUEUE_THROUGH_OPTIONS = optionNames<RequeueThroughOptions>({
  limit: true,
  onRequeued: true,
  roomWaitMs: true,
  roomPollMs: true,
  signal: true,
});

/** What a requeue reads and deletes letters through besides its scripts: the `DeadLetters` it works for. */
export interface LetterStore {
  readonly key: string;
  /** `requeueMarksKey(key)`. */
  readonly marksKey: string;
  newest(count: number): Promise<readonly { readonly id: string }[]>;
}

/**
 * Puts one DLQ's letters back on its stream, for `DeadLetters.requeue` and `requeueThrough`: one letter, or
 * every letter through one, a page at a time within the room the stream's groups leave.
 */
export class DeadLetterRequeuer {
  readonly #stream: EventStream;
  readonly #letters: LetterStore;
  readonly #marks: RequeueMarks;

  constructor(stream: EventStream, letters: LetterStore) {
    this.#stream = stream;
    this.#letters = letters;
    this.#marks = new RequeueMarks(stream.redis, letters.key, letters.marksKey);
  }

  /** `DeadLetters.requeue`. */
  async requeue(id: string): Promise<SingleRequeueResult | null> {
    assertEntryId(id, 'id');
    const letterId = fullEntryId(id);
    const [letter] = await this.#withoutReturns(await this.#lettersBetween(letterId, letterId, 1));
    if (letter === undefined) return null;
    // A letter that appends nothing (trimmed, wide, its entry back already) is answered as ever, room or not.
    const room = letter.appends ? await this.#stream.room(1) : null;
    if (room !== null && room.room === 0) {
      throw new NoRoomError(
        `dead letter ${id} (of ${letter.originalId || 'an unknown entry'}) stays: ${noRoom(this.#stream.streamKey, room)}`,
        room,
      );
    }
    const outcome = await this.#requeueOne(letterId);
    if (outcome === null) return null;
    if ('mergedInto' in outcome) {
      const { mergedInto, originalId } = outcome;
      const merged = await this.#finishAfterRequeue(letter, originalId);
      return { requeuedAs: mergedInto, originalId, eventType: null, merged, alreadyBack: true };
    }
    if (!('refused' in outcome)) {
      const merged = await this.#finishAfterRequeue(letter, outcome.originalId);
      return { ...outcome, merged, alreadyBack: false };
    }
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
   * A single requeue's `RequeueMarks.finish`: the entry is back (or was already), so a failure to tidy its other
   * letters is not the requeue's. They stay marked: a requeue of one discards it, and `finishRequeues` finishes them.
   */
  async #finishAfterRequeue(letter: PageLetter, originalId: string): Promise<number> {
    const fromStart = letter.idAheadOfItsTime || olderThanItsEntry(letter.id, originalId);
    return this.#marks.finish([originalId], { fromStart }).catch(() => 0);
  }

  /** `DeadLetters.finishRequeues`. */
  finishRequeues(): Promise<{ requeues: number; merged: number }> {
    return this.#marks.finishAll();
  }

  /** `DeadLetters.requeueThrough`. */
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
    // The entries this call put back: each one's other letters the pages reach are only discarded (the script
    // finds the entry marked); once it is done, wherever it stopped, the rest go as a single requeue's do (those
    // past `through`, or past where it stopped), and the marks are cleared.
    const putBack: PutBack = { originals: new Set(), olderLetter: false };
    // Left marked when this fails (Redis away, say): a requeue of one of the letters discards it, and
    // `finishRequeues` finishes them. The requeue itself is done: the failure is not its own.
    const finish = () =>
      this.#marks.finish([...putBack.originals], { fromStart: putBack.olderLetter }).catch(() => null);
    try {
      const stop = await this.#requeueThrough(
        through,
        { limit, onRequeued, roomWaitMs, roomPollMs, signal },
        progress,
        putBack,
      );
      // What stays unread, counted as the run's last step, then again once the entries put back are finished if
      // that discarded any (their letters past where it stopped went with them); should that count fail (Redis
      // gone), the first stands: the run is done, and the failure not its own.
      const unread = async () => {
        const { room, atLimit, unread: rest } = stop;
        if (rest === null || (room === null && !atLimit)) return { left: 0, more: false };
        if (room !== null) return { left: await this.#countBetween(rest.from, rest.end), more: false };
        return { left: 0, more: (await this.#lettersBetween(rest.from, rest.end, 1)).length > 0 };
      };
      const before = await unread();
      const discarded = await finish();
      const { left, more } = discarded ? await unread().catch(() => before) : before;
      const result = {
        ...stop.tally,
        more,
        stoppedForRoom: stop.room === null ? null : { ...stop.room, left },
      };
      // Unfinished, the letters of those entries are still there, skipped ones too.
      if (discarded === null) return settledResult(result, new Set(), 0);
      return settledResult(result, putBack.originals, discarded);
    } catch (error) {
      await finish();
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
    putBack: PutBack,
  ): Promise<ThroughStop> {
    const { limit, onRequeued, signal } = options;
    signal?.throwIfAborted();
    let seen = 0;
    const skipped: SkippedLetter[] = [];
    const skippedBy = { trimmed: 0, wide: 0 };
    const waited = { ms: 0 };
    let merged = 0;
    const done = (
      unread: ThroughStop['unread'],
      { atLimit = false, room = null }: { atLimit?: boolean; room?: ThroughStop['room'] } = {},
    ): ThroughStop => ({
      tally: {
        requeued: progress.requeued,
        skipped: skippedBy.trimmed + skippedBy.wide,
        skippedBy: { ...skippedBy },
        skippedLetters: skipped,
        merged,
      },
      unread,
      atLimit,
      room,
    });
    let callbackFailure: Error | undefined;
    const settle = (id: string, value: RequeueOutcome) => {
      // `null`: requeued or discarded by someone else since the page was read.
      if (value === null) return;
      if (olderThanItsEntry(id, value.originalId)) putBack.olderLetter = true;
      if ('mergedInto' in value) {
        merged += 1;
        return;
      }
      if ('refused' in value) {
        // Every one, not only the 100 the caller is told of: those of an entry put back later go with it.
        skippedBy[value.refused] += 1;
        skipped.push({ id, originalId: value.originalId, reason: value.refused });
        return;
      }
      if (value.originalId !== '') putBack.originals.add(value.originalId);
      progress.requeued += 1;
      // The caller's callback throwing stops the run, but after the page is settled: thrown from here, it left the
      // page's other letters, already back, uncounted, and their entries' marks unfinished.
      try {
        onRequeued?.(value);
      } catch (error) {
        callbackFailure ??= new Error(
          `onRequeued threw: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
    };
    // Letters written during the call are not the caller's to requeue, whatever `through` says (the largest
    // ID, a clock ahead): the newest letter now bounds it too. Otherwise a poison letter requeued on one page
    // and dead-lettered again before the next would be requeued again, and counted twice.
    const [newest] = await this.#letters.newest(1);
    if (newest === undefined) return done(null);
    // As an XRANGE end, a bare millisecond `through` means all of it, as in discardThrough.
    const end = compareEntryIds(newest.id, lastIdOf(through)) < 0 ? newest.id : through;
    let start = '-';
    while (seen < limit) {
      signal?.throwIfAborted();
      const read = await this.#lettersBetween(start, end, Math.min(REQUEUE_PAGE, limit - seen));
      if (read.length === 0) return done(null);
      const letters = await this.#withoutReturns(read, putBack.originals);
      const fit = await this.#roomFor(letters, options, waited);
      if (typeof fit !== 'number') {
        return done(
          { from: start, end },
          { room: { maxlen: fit.maxlen, group: fit.group, waitedMs: waited.ms } },
        );
      }
      const page = letters.slice(0, fit);
      seen += page.length;
      // The page in one round trip: Redis runs the scripts in the order sent, so the copies keep the letters'
      // order, and a later letter of an entry an earlier one put back finds it marked and is only discarded.
      // Each settles alone, so a failure halfway still reports the letters already back.
      const outcomes = await Promise.allSettled(page.map((letter) => this.#requeueOne(letter.id)));
      let failure: unknown;
      outcomes.forEach((outcome, at) => {
        if (outcome.status === 'rejected') {
          failure ??= outcome.reason;
          // Refused by Redis (a key of another type, say), a script did not run: only a lost reply may hide one.
          if (!redisRefused(outcome.reason)) progress.unanswered += 1;
        } else settle(page[at]?.id ?? '', outcome.value);
      });
      if (failure !== undefined) throw failure;
      if (callbackFailure !== undefined) throw callbackFailure;
      start = `(${page.at(-1)?.id}`;
    }
    return done({ from: start, end }, { atLimit: true });
  }

  /**
   * `letters` (a page, oldest first), with those that will append nothing as they are only discarded: a letter
   * whose entry is back already (marked by another requeue, or put back by this call, `putBack`), and one after
   * a letter of the same entry in the page. So they take no room, and a page of them never waits for any.
   */
  async #withoutReturns(
    letters: readonly PageLetter[],
    putBack: ReadonlySet<string> = new Set(),
  ): Promise<PageLetter[]> {
    const returning = letters.filter((letter) => letter.appends && markable(letter.originalId));
    const marked = await this.#marks.markedAmong([...new Set(returning.map((letter) => letter.originalId))]);
    const back = new Set([...putBack, ...marked]);
    return letters.map((letter) => {
      if (!letter.appends || !markable(letter.originalId)) return letter;
      if (back.has(letter.originalId)) return { ...letter, appends: false };
      back.add(letter.originalId);
      return letter;
    });
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
      this.#stream.redis.call('XRANGE', this.#letters.key, start, end, 'COUNT', count),
    );
    return parseFlatEntries(reply).map(({ id, flat }) => {
      const { meta, at } = letterMeta(flat);
      const originalId = meta.dlq_original_id ?? '';
      return {
        id,
        originalId,
        appends: appendsOnRequeue(flat, at),
        idAheadOfItsTime: idAheadOfItsTime(originalId, payloadTime(flat, at)),
      };
    });
  }

  /** How many letters lie from `start` to `end`, counted by script: only the count crosses the wire. */
  #countBetween(start: string, end: string): Promise<number> {
    return redisCommand('XRANGE (count dead letters)', () =>
      countRangePaged(
        (from, to, count) =>
          this.#stream.redis.eval(COUNT_RANGE_LUA, 1, this.#letters.key, from, to, String(count)),
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
        3,
        this.#letters.key,
        this.#stream.streamKey,
        this.#letters.marksKey,
        letterId,
        maxlen,
        String(Date.now()),
      ),
    );
    if (reply === null || reply === undefined) return null;
    const [requeuedAs, originalId = '', eventType, why] = (reply as unknown[]).map(String);
    if (why === 'merged') return { mergedInto: requeuedAs ?? '', originalId };
    if (why === 'wide') return { refused: 'wide', originalId };
    if (!requeuedAs) return { refused: 'trimmed', originalId };
    return { requeuedAs, originalId, eventType: eventType || null };
  }
}

/**
 * `requeueThrough`'s result as its caller gets it, once the entries it put back are finished (`discarded` of their
 * other letters gone): a letter it skipped (trimmed) of an entry another letter put back went with the rest,
 * merged rather than left; the first 100 of those left are named.
 */
function settledResult(
  result: RequeueThroughResult,
  putBack: ReadonlySet<string>,
  discarded: number,
): RequeueThroughResult {
  const staying = result.skippedLetters.filter((letter) => !putBack.has(letter.originalId));
  const skippedBy = { trimmed: 0, wide: 0 };
  for (const letter of staying) skippedBy[letter.reason] += 1;
  return {
    ...result,
    skipped: staying.length,
    skippedBy,
    skippedLetters: staying.slice(0, SKIPPED_LISTED),
    merged: result.merged + discarded,
  };
}

/**
 * Whether the requeue script marks the entry of `originalId` when it puts it back: only an ID as Redis writes one
 * (20 digits a side at most); another client may have written anything in a letter.
 */
function markable(originalId: string): boolean {
  return originalId.length <= 41 && /^\d+-\d+$/.test(originalId);
}

/** The `ts_ms` of a letter's payload (from `at` on), as a number; `null` when it has none that is one. */
function payloadTime(flat: readonly string[], at: number): number | null {
  for (let field = at; field + 1 < flat.length; field += 2) {
    if (flat[field] === 'ts_ms') {
      const ms = Number(flat[field + 1]);
      return Number.isFinite(ms) ? ms : null;
    }
  }
  return null;
}

/**
 * Whether an entry's ID is well ahead of the time written in it, which an ID the producer's `XADD *` stamped never
 * is, but one it chose, or one stamped after the clock stepped back (the stream keeps its last millisecond), may be.
 */
function idAheadOfItsTime(originalId: string, writtenAt: number | null): boolean {
  return (
    markable(originalId) && writtenAt !== null && entryIdTime(originalId) > writtenAt + ID_AHEAD_TOLERANCE_MS
  );
}

/**
 * Whether a letter is older than its entry, which a letter written by the clock that stamped the entry never is:
 * then the entry's other letters may be older too, and finishing its requeue reads the whole DLQ for them.
 */
function olderThanItsEntry(letterId: string, originalId: string): boolean {
  return markable(originalId) && compareEntryIds(letterId, originalId) < 0;
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
