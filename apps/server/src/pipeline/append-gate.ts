import { type EventStream, ProduceStoppedError } from '@streamscope/streams';
import { Semaphore } from 'async-mutex';
import type { LifecycleRecorder } from './lifecycle-recorder.js';

/**
 * Appends out at once; more wait their turn, holding only their request, not the events, which are made once
 * a slot is free (a flood of 10,000-event requests would otherwise hold millions of events). A reset takes
 * every slot.
 */
const APPEND_SLOTS = 8;

/**
 * Appends (produce, the continuous producer, requeue) hold one slot each (at most `APPEND_SLOTS` out at
 * once); a reset holds them all, so it waits for appends already out and later ones wait for it. An append
 * racing a reset's DEL would otherwise land in the new stream uncounted, or be counted and deleted. The
 * semaphore is fair: a waiting reset is not starved by appends that come after it.
 */
export class AppendGate {
  readonly #slots = new Semaphore(APPEND_SLOTS);
  readonly #stream: EventStream;
  readonly #recorder: LifecycleRecorder;

  constructor(stream: EventStream, recorder: LifecycleRecorder) {
    this.#stream = stream;
    this.#recorder = recorder;
  }

  /** Appends the events `make` returns, once one of the slots is free, each recorded as produced. */
  append(make: () => Parameters<EventStream['produceBatch']>[0]): Promise<string[]> {
    return this.#slots.runExclusive(async () => {
      const events = make();
      // When XADD was sent, not when its reply came: a worker's read of the entry can be answered first, and its
      // "delivered" then came a millisecond before "produced" on the timeline.
      const ts = Date.now();
      let ids: string[];
      try {
        ids = await this.#stream.produceBatch(events);
      } catch (error) {
        // Appended in part: those entries exist, and their timelines begin here too (which event each was, the
        // failed chunks between them leave unknown).
        if (error instanceof ProduceStoppedError) {
          for (const id of error.ids) this.#recorder.recordProduced(id, null, null, ts);
        }
        throw error;
      }
      ids.forEach((id, index) => {
        this.#recorder.recordProduced(id, events[index]?.type ?? null, null, ts);
      });
      return ids;
    });
  }

  /** Runs an append made otherwise (a requeue, which records its own) in one slot. */
  inSlot<T>(task: () => Promise<T>): Promise<T> {
    return this.#slots.runExclusive(task);
  }

  /** Runs `task` holding every slot (a reset): appends already out finish first, later ones wait for it. */
  alone<T>(task: () => Promise<T>): Promise<T> {
    return this.#slots.runExclusive(task, APPEND_SLOTS);
  }
}
