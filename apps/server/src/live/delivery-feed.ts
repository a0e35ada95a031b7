import type { Deliveries, LifecycleEventView } from '@streamscope/protocol';

/**
 * Lifecycle events waiting for the next tick. Past `capPerTick` they are only counted: at thousands of
 * events per second a browser wants a sample and an honest count, not every event.
 */
export class DeliveryFeed {
  readonly #capPerTick: number;
  #events: LifecycleEventView[] = [];
  #omitted = 0;

  constructor(capPerTick = 500) {
    this.#capPerTick = capPerTick;
  }

  push(event: LifecycleEventView): void {
    if (this.#events.length < this.#capPerTick) this.#events.push(event);
    else this.#omitted += 1;
  }

  /** The tick's message, or `null` when nothing happened; starts the next tick empty. */
  take(): Deliveries | null {
    if (this.#events.length === 0 && this.#omitted === 0) return null;
    const message: Deliveries = { type: 'deliveries', events: this.#events, omitted: this.#omitted };
    this.#events = [];
    this.#omitted = 0;
    return message;
  }
}
