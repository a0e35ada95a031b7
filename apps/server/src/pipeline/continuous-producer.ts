import type { EventInput } from '@streamscope/streams';

const TICK_MS = 20;
/** After a stall (Redis restarting, a busy event loop) catch up at most this much, not in one burst. */
const MAX_CATCH_UP_MS = 1_000;
/** The library's batch script appends this many per call; larger batches only add latency. */
const MAX_BATCH = 5_000;

export interface ProducerState {
  readonly running: boolean;
  readonly rate: number;
  readonly eventType: string | null;
}

type Append = (events: EventInput[]) => Promise<unknown>;
type MakeEvents = (count: number, eventType?: string) => EventInput[];

/**
 * Appends at a steady rate in small batches (one round trip each), paced against the wall clock so the
 * average rate holds even when a batch is slow. One batch in flight at a time.
 */
export class ContinuousProducer {
  readonly #append: Append;
  readonly #makeEvents: MakeEvents;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #rate = 0;
  #eventType: string | null = null;
  #startedAt = 0;
  #sent = 0;

  constructor(append: Append, makeEvents: MakeEvents, onError: (error: unknown) => void) {
    this.#append = append;
    this.#makeEvents = makeEvents;
    this.#onError = onError;
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
    return this.state();
  }

  state(): ProducerState {
    return { running: this.#timer !== undefined, rate: this.#rate, eventType: this.#eventType };
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
        () => undefined,
        (error: unknown) => this.#onError(error),
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
  }
}
