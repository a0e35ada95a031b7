import {
  type DeadLetters,
  isEntryId,
  type RequeueResult,
  RequeueStoppedError,
  type RequeueThroughResult,
  type SingleRequeueResult,
} from '@streamscope/streams';
import { Mutex } from 'async-mutex';
import { boundedText } from '../live/bounded-view.js';
import type { AppendGate } from './append-gate.js';
import { CommandError, isRedisUnavailable, shuttingDown } from './command-error.js';
import type { LifecycleRecorder } from './lifecycle-recorder.js';

/** What requeues put back on, and where they record it. */
export interface DeadLetterRequeuesOptions {
  readonly deadLetters: DeadLetters;
  readonly appendGate: AppendGate;
  readonly recorder: LifecycleRecorder;
  /**
   * How long, in all, a requeue-all waits for the groups to make room in the stream before it stops with the
   * rest left in the DLQ (see `PipelineOptions.requeueRoomWaitMs`); the library's 5 s when undefined.
   */
  readonly roomWaitMs: number | undefined;
}

/**
 * Dead letters put back on the stream, one or all up to one, each an append like any other: counted as
 * produced, with both ends of its trail in the timelines.
 */
export class DeadLetterRequeues {
  readonly #deadLetters: DeadLetters;
  readonly #appendGate: AppendGate;
  readonly #recorder: LifecycleRecorder;
  readonly #roomWaitMs: number | undefined;
  /**
   * Requeues, one at a time, single ones and requeue-alls alike. A requeue-all holds an append slot for its whole
   * run, often seconds: a few at once (pages, scripts) would hold every slot and stall produce and the continuous
   * producer until they finished, while the later ones find the letters the first already took.
   */
  readonly #requeues = new Mutex();
  /**
   * Aborted by `close`: a requeue-all waiting for the groups to make room would otherwise hold its append slot,
   * and its client, for the rest of its wait while the workers it waits for are stopping.
   */
  readonly #closing = new AbortController();
  /** Dead letters put back on the stream: produced, though not by the pipeline's `stream`. */
  #requeued = 0;

  constructor(options: DeadLetterRequeuesOptions) {
    this.#deadLetters = options.deadLetters;
    this.#appendGate = options.appendGate;
    this.#recorder = options.recorder;
    this.#roomWaitMs = options.roomWaitMs;
  }

  /** How many dead letters went back on the stream since the pipeline started. */
  get requeued(): number {
    return this.#requeued;
  }

  /**
   * Puts a dead letter's event back on the stream; `null` when there is no such letter. The new entry is
   * produced like any other (counted, and its timeline says where it came from). A letter of an entry already
   * back is only discarded (`alreadyBack`).
   */
  async requeue(letterId: string): Promise<SingleRequeueResult | null> {
    const requeued = await this.#requeues.runExclusive(() => {
      // Queued behind a requeue-all that a shutdown stopped: the letter stays, as that one's did.
      this.#closing.signal.throwIfAborted();
      return this.#appendGate.inSlot(() => this.#deadLetters.requeue(letterId));
    });
    // Already back (another letter of the entry was requeued first): nothing appended, nothing to record.
    if (requeued !== null && !requeued.alreadyBack) this.#recordRequeued(requeued);
    return requeued;
  }

  /**
   * Puts every dead letter up to and including `through` back on the stream, each recorded as `requeue`
   * records one. It holds one append slot throughout, so a reset waits for it rather than deleting the
   * stream between two of its letters, and only one requeue runs at a time (see `#requeues`). Cut off by Redis
   * going away, it says how many went back before.
   */
  requeueThrough(through: string): Promise<RequeueThroughResult> {
    return this.#requeues.runExclusive(() => this.#requeueThroughAlone(through));
  }

  /** Stops a requeue-all under way, as the server is shutting down; the letters it did not reach stay. */
  close(): void {
    this.#closing.abort(shuttingDown());
  }

  #requeueThroughAlone(through: string): Promise<RequeueThroughResult> {
    return this.#appendGate.inSlot(async () => {
      const roomWaitMs = this.#roomWaitMs;
      try {
        return await this.#deadLetters.requeueThrough(through, {
          onRequeued: (requeued) => this.#recordRequeued(requeued),
          signal: this.#closing.signal,
          ...(roomWaitMs === undefined ? {} : { roomWaitMs }),
        });
      } catch (error) {
        if (!(error instanceof RequeueStoppedError)) throw error;
        if (error.cause === this.#closing.signal.reason) {
          const { requeued } = error;
          throw new CommandError(
            'unavailable',
            `the server is shutting down: ${requeued} dead letter(s) went back before it did, the rest stay`,
            { cause: error },
          );
        }
        // "Redis is unavailable" alone would have the user think nothing went back, when hundreds may have.
        if (!isRedisUnavailable(error)) throw error;
        const { requeued, unanswered } = error;
        if (requeued + unanswered === 0) throw error;
        const maybe = unanswered > 0 ? ` (and up to ${unanswered} more, whose replies were lost)` : '';
        throw new CommandError(
          'unavailable',
          `Redis went away part-way: ${requeued} dead letter(s) went back${maybe}, the rest stay; requeue all again once it is back`,
          { cause: error },
        );
      }
    });
  }

  /** A letter back on the stream: counted as produced, and both ends of the trail in the timelines. */
  #recordRequeued(requeued: RequeueResult): void {
    this.#requeued += 1;
    const ts = Date.now();
    // The original's timeline says where it went, the copy's where it came from. The original ID is read from
    // the dead-letter stream, which any client may write: one that is no entry ID (a megabyte, say) has no
    // timeline to go in, and is named in the copy's cut short.
    if (isEntryId(requeued.originalId)) {
      this.#recorder.record({
        kind: 'requeued',
        id: requeued.originalId,
        group: null,
        consumer: null,
        deliveryCount: null,
        eventType: requeued.eventType,
        reason: `as ${requeued.requeuedAs}`,
        ts,
      });
    }
    this.#recorder.recordProduced(
      requeued.requeuedAs,
      requeued.eventType,
      `requeued from the dead letter of ${boundedText(requeued.originalId)}`,
      ts,
    );
  }
}
