import type { EventInput } from '@streamscope/streams';
import { redisFailure } from './command-error.js';

const TICK_MS = 20;
/** After a stall (Redis restarting, a busy event loop) catch up at most this much, not in one burst. */
const MAX_CATCH_UP_MS = 1_000;
/** The library's batch script appends this many per call; larger batches only add latency. */
const MAX_BATCH = 5_000;

/** A run of failed appends: since when, how many batches, and why the latest failed, in a user's words. */
export interface ProducerFailing {
  readonly since: number;
  readonly batches: number;
  readonly reason: string;
}

export interface ProducerState {
  readonly running: boolean;
  readonly rate: number;
  readonly eventType: string | null;
  /** `null` while its appends land (or it is stopped). */
  readonly failing: ProducerFailing | null;
}

type Append = (events: EventInput[]) => Promise<unknown>;
type MakeEvents = (count: number, eventType?: string) => EventInput[];

/**
 * Appends at a steady rate in small batches (one round trip each), paced against the wall clock so the
 * average rate holds even when a batch is slow. One batch in flight at a time. A batch that fails is not sent
 * again (it is demo load); while batches keep failing (Redis out of memory, away) it keeps trying, tells
 * `report` once when they start failing and once when they land again, not 50 times a second, and its state
 * says since when and why, so a page shows more than "0/s achieved".
 */
export class ContinuousProducer {
  readonly #append: Append;
  readonly #makeEvents: MakeEvents;
  readonly #report: (news: unknown) => void;
  #failing: ProducerFailing | null = null;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #rate = 0;
  #eventType: string | null = null;
  #startedAt = 0;
  #sent = 0;

  /** `report` hears the error that began a run of failures, and a line when appends land again. */
  constructor(append: Append, makeEvents: MakeEvents, report: (news: unknown) => void) {
    this.#append = append;
    this.#makeEvents = makeEvents;
    this.#report = report;
  }

  /** Starts, or changes the rate and type of a running producer. */
  start(rate: number, eventType: string | null): ProducerState {
    this.#rate = rate;
    this.#eventType = eventType;
    this.#startedAt = performance.now();
    this.#sent = 0;
    this.#timer ??= setInterval(() => this.#tick(), TICK_MS);
    return this.state();
  }

  /** Stops and waits for the batch in flight, so nothing is appended after this resolves. */
  async stop(): Promise<ProducerState> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#rate = 0;
    this.#eventType = null;
    await this.#inFlight;
    // Stopped, it is no longer trying: what failed is history, and a start begins afresh.
    this.#failing = null;
    return this.state();
  }

  state(): ProducerState {
    return {
      running: this.#timer !== undefined,
      rate: this.#rate,
      eventType: this.#eventType,
      failing: this.#failing,
    };
  }

  #tick(): void {
    if (this.#inFlight) return;
    const dueByNow = Math.floor((this.#rate * (performance.now() - this.#startedAt)) / 1000);
    const maxBacklog = Math.ceil((this.#rate * MAX_CATCH_UP_MS) / 1000);
    // Forgive what is owed beyond the catch-up window.
    if (dueByNow - this.#sent > maxBacklog) this.#sent = dueByNow - maxBacklog;
    const owed = Math.min(dueByNow - this.#sent, MAX_BATCH);
    if (owed <= 0) return;
    this.#sent += owed;
    const events = this.#makeEvents(owed, this.#eventType ?? undefined);
    this.#inFlight = this.#append(events)
      .then(
        () => this.#landed(),
        (error: unknown) => this.#failed(error),
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
  }

  #failed(error: unknown): void {
    const { reason } = redisFailure(error);
    if (this.#failing === null) {
      this.#failing = { since: Date.now(), batches: 1, reason };
      const message = error instanceof Error ? error.message : String(error);
      this.#report(`appends failing (${message}); it keeps trying, and says so here once they land again`);
    } else {
      this.#failing = { ...this.#failing, batches: this.#failing.batches + 1, reason };
    }
  }

  #landed(): void {
    if (this.#failing === null) return;
    const { since, batches } = this.#failing;
    this.#failing = null;
    const seconds = ((Date.now() - since) / 1000).toFixed(1);
    this.#report(
      `appending again, after ${seconds} s in which ${batches} batch(es) failed and were not sent again`,
    );
  }
}
