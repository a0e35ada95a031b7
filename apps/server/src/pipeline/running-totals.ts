import type { DeadLetters, EventStream } from '@streamscope/streams';

/** What the pipeline did: entries produced (requeues among them), acked, claimed and dead-lettered. */
export interface Totals {
  readonly produced: number;
  readonly acked: number;
  readonly claimed: number;
  readonly deadLettered: number;
}

/**
 * The pipeline's totals since it started or was last reset. The counters underneath (the stream's, the
 * dead-letter stream's, the requeues') run on across resets: a reset notes where they stood, and the totals
 * count from there.
 */
export class RunningTotals {
  readonly #stream: EventStream;
  readonly #deadLetters: DeadLetters;
  readonly #requeued: () => number;
  #baseline: Totals = { produced: 0, acked: 0, claimed: 0, deadLettered: 0 };

  /** `requeued` counts the dead letters put back on the stream: produced, though not by `stream`. */
  constructor(stream: EventStream, deadLetters: DeadLetters, requeued: () => number) {
    this.#stream = stream;
    this.#deadLetters = deadLetters;
    this.#requeued = requeued;
  }

  /** Totals since start or the last `restart`. */
  totals(): Totals {
    const now = this.#countsSinceStart();
    return {
      produced: now.produced - this.#baseline.produced,
      acked: now.acked - this.#baseline.acked,
      claimed: now.claimed - this.#baseline.claimed,
      deadLettered: now.deadLettered - this.#baseline.deadLettered,
    };
  }

  /** Counts from zero again, from now on (a reset). */
  restart(): void {
    this.#baseline = this.#countsSinceStart();
  }

  /** The running counts since this pipeline started; `totals()` subtracts those at the last reset. */
  #countsSinceStart(): Totals {
    const { produced, acked, claimed } = this.#stream.stats();
    return { produced: produced + this.#requeued(), acked, claimed, deadLettered: this.#deadLetters.count };
  }
}
