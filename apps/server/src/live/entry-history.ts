import type { LifecycleEventView } from '@streamscope/protocol';

export interface EntryHistoryOptions {
  /** How many entries are remembered; the oldest is forgotten first. */
  readonly maxEntries?: number;
  /** Steps kept per entry; a poison pill redelivered forever must not grow without bound. */
  readonly maxEventsPerEntry?: number;
}

/** A bounded server-side memory of each recent entry's lifecycle, for the dashboard's timeline. */
export class EntryHistory {
  readonly #events = new Map<string, LifecycleEventView[]>();
  readonly #maxEntries: number;
  readonly #maxEventsPerEntry: number;

  constructor({ maxEntries = 20_000, maxEventsPerEntry = 64 }: EntryHistoryOptions = {}) {
    this.#maxEntries = maxEntries;
    this.#maxEventsPerEntry = maxEventsPerEntry;
  }

  record(event: LifecycleEventView): void {
    let events = this.#events.get(event.id);
    if (!events) {
      events = [];
      this.#events.set(event.id, events);
      // Maps iterate in insertion order, so the first key is the entry seen longest ago.
      if (this.#events.size > this.#maxEntries) {
        const oldest = this.#events.keys().next().value;
        if (oldest !== undefined) this.#events.delete(oldest);
      }
    }
    if (events.length >= this.#maxEventsPerEntry) events.shift();
    events.push(event);
  }

  /** The entry's steps in the order they happened; empty when it was never seen or long forgotten. */
  of(id: string): LifecycleEventView[] {
    return [...(this.#events.get(id) ?? [])];
  }

  clear(): void {
    this.#events.clear();
  }
}
