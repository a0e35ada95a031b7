import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { assertInteger, assertOptions, assertTimerMs, optionNames } from './arguments.js';
import { dropConnection, refuseMissingDatabase } from './connection.js';
import { redisCommand, WorkerClosedError } from './errors.js';
import { assertEventStream, type EventStream } from './event-stream.js';
import { guardedEmit, warnListenerFailed, warnUnheardError } from './guarded-emit.js';
import { InFlight } from './in-flight.js';
import { parseReadGroup } from './replies.js';
import { compareEntryIds } from './stream-ids.js';
import type { StreamEntry } from './types.js';

export interface StreamTailEvents {
  /** New entries, oldest first. */
  entries: [StreamEntry[]];
  /**
   * A paced tail skipped ahead to the newest entries (see `paceMs`), passing over this many appended before
   * them; `null` when Redis (before 7.0) cannot say how many. Emitted after those newest entries.
   */
  skipped: [number | null];
  error: [Error];
}

export interface StreamTailOptions {
  readonly blockMs?: number;
  /** The most entries one read returns. */
  readonly count?: number;
  /**
   * 0 (the default): every entry appended is read and emitted, in order. Above 0, while entries keep coming
   * the tail reads at most once per `paceMs`, and then only the newest `count` of those appended since its
   * last read, counting the ones it passed over (`skipped`): for a view that shows the newest entries a few
   * times a second, which would otherwise read every entry, at the stream's full rate, to show a few of them.
   * After a quiet spell, the first new entry still arrives at once (a blocking read waits for it).
   */
  readonly paceMs?: number;
}

const STREAM_TAIL_OPTIONS = optionNames<StreamTailOptions>({ blockMs: true, count: true, paceMs: true });

/**
 * A read-only live tail: `XREAD BLOCK` from `$`, no consumer group, nothing to ack, no state in Redis —
 * what the seed recommends for `tail -f`-like clients. Its own connection, since the read blocks.
 */
export class StreamTail extends EventEmitter<StreamTailEvents> {
  readonly #stream: EventStream;
  readonly #blockMs: number;
  readonly #count: number;
  readonly #paceMs: number;
  /**
   * The stream's entries-added counter at the starting point (`null`: unknown), and how many of the entries
   * appended since were emitted or counted as skipped.
   */
  #addedAtStart: number | null = null;
  #accounted = 0;
  /** How many times `streamRemade()` was called: a paced read sent before the last call is of the old stream. */
  #remade = 0;
  #connection: Redis | undefined;
  #loop: Promise<void> | undefined;
  #stopped = false;
  /** Whether a failure nobody listened for has been warned of (see `warnUnheardError`). */
  #warnedUnheard = false;
  /** Its waits (a read, a back-off), ended at once by `close()`. */
  readonly #waits = new InFlight();
  /** Settles once the tail knows where it starts (or is closed); see `start` and `resume`. */
  #started = Promise.resolve();
  #startedAt: () => void = () => {};
  #startFixed = false;
  #paused = false;
  /** Wakes the loop parked by `pause()`. */
  #wake: () => void = () => {};

  constructor(stream: EventStream, options: StreamTailOptions = {}) {
    super();
    assertEventStream(stream, 'StreamTail');
    assertOptions(options, 'StreamTail options', STREAM_TAIL_OPTIONS);
    const { blockMs = 1_000, count = 100, paceMs = 0 } = options;
    assertInteger(blockMs, 'blockMs', 1);
    assertInteger(count, 'count', 1);
    assertTimerMs(paceMs, 'paceMs', 0);
    this.#stream = stream;
    this.#blockMs = blockMs;
    this.#count = count;
    this.#paceMs = paceMs;
    this.#awaitStartingPoint();
  }

  /**
   * Starts tailing from the stream's newest entry. Resolves once that starting point is fixed: every entry
   * appended afterwards is tailed, and so is one appended through the stream's own connection straight
   * after this call, without waiting (the starting point is asked on that connection first). It never
   * rejects: while Redis cannot answer (it is away, or the key holds something else) each failure is an
   * `error` event and it keeps asking, resolving once answered, or at `close()`. After `close()` it rejects
   * with `WorkerClosedError`.
   *
   * @example
   *   await tail.start();
   *   await stream.produce('order.placed'); // tailed
   */
  start(): Promise<void> {
    // As with a worker: a closed tail has given up its connection, and reviving it would leak a new one.
    if (this.#stopped)
      return Promise.reject(new WorkerClosedError('the tail was closed and cannot start again'));
    if (this.#loop) return this.#started;
    const connection = this.#stream.redis.duplicate({ connectionName: 'streamscope:tail' });
    connection.on('error', () => {});
    refuseMissingDatabase(connection);
    this.#connection = connection;
    this.#loop = this.#run(connection);
    return this.#started;
  }

  /**
   * Stops reading until `resume()`: no XREAD is sent meanwhile, and what a read under way returns is dropped.
   * For a tail whose entries nobody is looking at (a dashboard with no page open), which would otherwise keep
   * reading every entry appended, at the stream's full rate, for no one.
   */
  pause(): void {
    this.#paused = true;
  }

  /**
   * Reads again after `pause()`. A tail that had stopped reading starts again from the stream's newest entry,
   * as `start()` does: what was appended while it was paused is not tailed. Resolves as `start()` does, once
   * that starting point is fixed; at once when it never stopped (resumed before its read under way returned).
   */
  resume(): Promise<void> {
    if (!this.#paused) return this.#started;
    this.#paused = false;
    this.#wake();
    return this.#started;
  }

  /**
   * Tells the tail its stream was just deleted, to be made again: Redis's count of entries added starts over
   * from 0 with the new one, and so does the tail's count of what it passes over (`skipped`). Left to find out
   * by itself, a paced tail sees only that the counter went back, after the new stream's first reads, and their
   * entries passed over went uncounted. Call it after the delete, before entries are appended to the new stream.
   */
  streamRemade(): void {
    this.#remade += 1;
    this.#countFrom(0);
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.#startedAt();
    this.#wake();
    this.#waits.abandon(new Error('tail closed'));
    // Closing the connection is the prompt way out of a blocked XREAD.
    if (this.#connection) dropConnection(this.#connection);
    await this.#loop;
  }

  async #run(connection: Redis): Promise<void> {
    // A concrete ID, not '$': '$' means "after the newest entry when this XREAD arrives", so entries
    // appended between two reads that came back empty would never be seen.
    let lastId: string | null = null;
    /** When the last read that found entries was sent; a paced tail waits `paceMs` from it before the next. */
    let busySince: number | null = null;
    while (!this.#stopped) {
      try {
        if (this.#paused) {
          await this.#parked();
          lastId = null;
          continue;
        }
        if (lastId === null) {
          // On the stream's shared connection, and (on the first pass) before start() returns: Redis answers
          // one connection's commands in order, so an append sent through it after start() lands after this
          // starting point. The tail's own connection would still be connecting, and miss that append.
          const summary = await this.#waits.track(this.#stream.infoStreamSummary());
          lastId = summary?.lastGeneratedId ?? '0-0';
          this.#countFrom(summary === null ? 0 : summary.entriesAdded);
          busySince = null;
          this.#startedAt();
        }
        if (this.#stopped) return;
        if (this.#paceMs > 0 && busySince !== null) {
          const remadeBefore = this.#remade;
          const newest = await this.#newestAfter(lastId, busySince);
          if (this.#stopped) return;
          if (this.#paused) continue;
          // Read before the stream was made again (see `streamRemade`): the old stream's entries and count,
          // which would be counted against the new one's. The next read finds the new stream's newest.
          if (this.#remade !== remadeBefore) continue;
          busySince = performance.now();
          const last = newest.entries.at(-1);
          if (last) {
            lastId = last.id;
            this.#deliverNewest(newest.entries, newest.entriesAdded);
            continue;
          }
          // Nothing new since: wait for the next append with a blocking read.
          busySince = null;
        }
        // ioredis never settles a read that was in flight when its connection dropped (not until a
        // reconnect, which a closed connection never makes): closing does not wait for it. A tail keeps
        // nothing in Redis, so there is nothing to finish.
        const from = lastId;
        const sentAt = performance.now();
        const reply = await this.#waits.track(
          redisCommand('XREAD', () =>
            connection.call(
              'XREAD',
              'COUNT',
              this.#count,
              'BLOCK',
              this.#blockMs,
              'STREAMS',
              this.#stream.streamKey,
              from,
            ),
          ),
        );
        if (this.#stopped) return;
        // Paused meanwhile: nobody wants these, and the tail starts afresh from the newest when resumed.
        if (this.#paused) continue;
        const { entries } = parseReadGroup(reply);
        const last = entries.at(-1);
        if (!last) {
          const next = await this.#afterQuietRead(lastId);
          if (next !== lastId) this.#countFrom(0);
          lastId = next;
        } else {
          lastId = last.id;
          busySince = sentAt;
          this.#deliver(entries);
        }
      } catch (error) {
        if (this.#stopped) return;
        this.#failed(error instanceof Error ? error : new Error(String(error)));
        await this.#waits.track(sleep(500, undefined, { ref: false })).catch(() => {}); // ended by close()
      }
    }
  }

  /** A paced tail's read: `paceMs` after the last one that found entries, the newest `count` after `from`. */
  async #newestAfter(
    from: string,
    busySince: number,
  ): Promise<{ entries: StreamEntry[]; entriesAdded: number | null }> {
    const wait = busySince + this.#paceMs - performance.now();
    if (wait > 0) await this.#waits.track(sleep(wait, undefined, { ref: false }));
    if (this.#stopped || this.#paused) return { entries: [], entriesAdded: null };
    return this.#waits.track(this.#stream.newestAfter(from, this.#count));
  }

  /**
   * Starts counting what was appended from a new starting point, whose entries-added counter reads `added`
   * (`null`: Redis cannot say, before 7.0): see `#deliverNewest`.
   */
  #countFrom(added: number | null): void {
    this.#addedAtStart = added;
    this.#accounted = 0;
  }

  /** Emits entries read on from the last ones, oldest first. */
  #deliver(entries: StreamEntry[]): void {
    this.#accounted += entries.length;
    this.#emitGuarded('entries', entries);
  }

  /** A listener that throws must not stop the tail: it is reported, and the tail goes on. */
  #emitGuarded<Event extends 'entries' | 'skipped'>(event: Event, value: StreamTailEvents[Event][0]): void {
    guardedEmit(this, event, value, (error) =>
      this.listenerCount('error') > 0 ? this.#failed(error) : warnListenerFailed('StreamTail', event, error),
    );
  }

  /**
   * Emits the newest entries a paced read skipped ahead to, then how many it passed over: what was appended
   * since the starting point (the stream's entries-added counter, read with them) and neither emitted nor
   * already counted. Without that counter (Redis before 7.0), a full page may have passed some over, how many
   * unknown (`null`); fewer than `count` were all there was.
   */
  #deliverNewest(entries: StreamEntry[], entriesAdded: number | null): void {
    this.#deliver(entries);
    if (entriesAdded === null || this.#addedAtStart === null) {
      if (entries.length === this.#count) this.#emitGuarded('skipped', null);
      return;
    }
    const passedOver = entriesAdded - this.#addedAtStart - this.#accounted;
    if (passedOver > 0) {
      this.#accounted += passedOver;
      this.#emitGuarded('skipped', passedOver);
    } else if (passedOver < 0) {
      // The counter went back: the stream was deleted and made again. Counting starts over from here.
      this.#countFrom(entriesAdded);
    }
  }

  /**
   * Waits for `resume()` (or `close()`). A tail that resumes fixes a new starting point, so a `resume()` call
   * gets a fresh promise of it.
   */
  async #parked(): Promise<void> {
    // Paused before it started, `start()`'s promise is still waiting for the first starting point.
    if (this.#startFixed) this.#awaitStartingPoint();
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (!this.#paused || this.#stopped) resolve();
    });
    this.#wake = () => {};
  }

  /** A new promise of the starting point, for `start()` or `resume()` to hand out; `#startedAt` keeps it. */
  #awaitStartingPoint(): void {
    this.#startFixed = false;
    this.#started = new Promise<void>((resolve) => {
      this.#startedAt = () => {
        this.#startFixed = true;
        resolve();
      };
    });
  }

  /**
   * Where to read from after a read that found nothing new. A stream deleted (and perhaps made again) keeps
   * no trace of the old one's IDs: entries given IDs below the last one seen (restored, imported, or appended
   * after the clock was set back) would never be newer than it, and the tail would stay silent. Gone, or
   * with its last ID now below ours, the stream is read from its start. (A stream made again whose new IDs
   * pass ours before the read times out shows only those past it.)
   */
  async #afterQuietRead(lastId: string): Promise<string> {
    const info = await this.#waits.track(this.#stream.infoStreamSummary());
    return info === null || compareEntryIds(info.lastGeneratedId, lastId) < 0 ? '0-0' : lastId;
  }

  /** Reported to 'error' listeners, if any; one that throws becomes a warning. */
  #failed(error: Error): void {
    if (this.listenerCount('error') === 0) {
      if (!this.#warnedUnheard) warnUnheardError(`StreamTail of ${this.#stream.streamKey}`, error);
      this.#warnedUnheard = true;
      return;
    }
    guardedEmit(this, 'error', error, (listenerError) =>
      warnListenerFailed('StreamTail', 'error', listenerError),
    );
  }
}
