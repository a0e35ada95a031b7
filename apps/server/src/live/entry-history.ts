import type { LifecycleEventView, LifecycleKindView } from '@streamscope/protocol';

export interface EntryHistoryOptions {
  /** How many uneventful entries (produced, delivered, acked) are remembered; the oldest is forgotten first. */
  readonly maxEntries?: number;
  /** How many entries that something went wrong with are remembered, apart from the uneventful ones. */
  readonly maxTroubledEntries?: number;
  /** Steps kept per entry; a poison pill redelivered forever must not grow without bound. */
  readonly maxEventsPerEntry?: number;
}

/** The steps of an entry's happy path; any other step is trouble worth remembering longer. */
const UNEVENTFUL: ReadonlySet<LifecycleKindView> = new Set(['produced', 'delivered', 'acked']);

/**
 * A bounded server-side memory of each recent entry's lifecycle, for the dashboard's timeline.
 *
 * Entries that something went wrong with (dropped, failed, claimed, deleted, dead-lettered, duplicate,
 * requeued) are the ones a person opens a timeline for, often long after: they move to a memory of their
 * own, so that a flood of entries acked at thousands per second does not push a dead letter's story out
 * within seconds.
 */
export class EntryHistory {
  readonly #uneventful: FirstInFirstOut<LifecycleEventView[]>;
  readonly #troubled: FirstInFirstOut<LifecycleEventView[]>;
  readonly #maxEventsPerEntry: number;

  constructor({
    maxEntries = 20_000,
    maxTroubledEntries = 5_000,
    maxEventsPerEntry = 64,
  }: EntryHistoryOptions = {}) {
    this.#uneventful = new FirstInFirstOut(maxEntries);
    this.#troubled = new FirstInFirstOut(maxTroubledEntries);
    this.#maxEventsPerEntry = maxEventsPerEntry;
  }

  record(event: LifecycleEventView): void {
    let events = this.#troubled.get(event.id);
    if (!events) {
      events = this.#uneventful.get(event.id);
      if (!UNEVENTFUL.has(event.kind)) {
        this.#uneventful.delete(event.id);
        events = this.#troubled.add(event.id, events ?? []);
      } else if (!events) {
        events = this.#uneventful.add(event.id, []);
      }
    }
    if (events.length >= this.#maxEventsPerEntry) events.shift();
    events.push(event);
  }

  /** The entry's steps in the order they happened; empty when it was never seen or long forgotten. */
  of(id: string): LifecycleEventView[] {
    return [...(this.#troubled.get(id) ?? this.#uneventful.get(id) ?? [])];
  }

  clear(): void {
    this.#uneventful.clear();
    this.#troubled.clear();
  }
}

/**
 * A map that forgets the key added longest ago once it holds `max`. The order is a ring of slots beside the
 * map: asking a Map for its first key after deleting its first keys over and over walks past every deleted
 * slot V8 has not compacted yet, which at thousands of entries a second took a quarter of the server's CPU.
 */
class FirstInFirstOut<V> {
  readonly #values = new Map<string, V>();
  /** Keys in the order added, with the value each was added with (a deleted key may have been re-added). */
  readonly #slots: ({ key: string; value: V } | undefined)[];
  #next = 0;

  constructor(readonly max: number) {
    this.#slots = new Array(max);
  }

  get(key: string): V | undefined {
    return this.#values.get(key);
  }

  /** Adds `value` under `key`, forgetting the key added longest ago if the memory is full; returns `value`. */
  add(key: string, value: V): V {
    const oldest = this.#slots[this.#next];
    if (oldest && this.#values.get(oldest.key) === oldest.value) this.#values.delete(oldest.key);
    this.#slots[this.#next] = { key, value };
    this.#next = (this.#next + 1) % this.max;
    this.#values.set(key, value);
    return value;
  }

  delete(key: string): void {
    this.#values.delete(key);
  }

  clear(): void {
    this.#values.clear();
    this.#slots.fill(undefined);
    this.#next = 0;
  }
}
