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
  readonly #uneventful = new Map<string, LifecycleEventView[]>();
  readonly #troubled = new Map<string, LifecycleEventView[]>();
  readonly #maxEntries: number;
  readonly #maxTroubledEntries: number;
  readonly #maxEventsPerEntry: number;

  constructor({
    maxEntries = 20_000,
    maxTroubledEntries = 5_000,
    maxEventsPerEntry = 64,
  }: EntryHistoryOptions = {}) {
    this.#maxEntries = maxEntries;
    this.#maxTroubledEntries = maxTroubledEntries;
    this.#maxEventsPerEntry = maxEventsPerEntry;
  }

  record(event: LifecycleEventView): void {
    let events = this.#troubled.get(event.id);
    if (!events) {
      events = this.#uneventful.get(event.id);
      if (!UNEVENTFUL.has(event.kind)) {
        this.#uneventful.delete(event.id);
        events = remember(this.#troubled, event.id, events ?? [], this.#maxTroubledEntries);
      } else if (!events) {
        events = remember(this.#uneventful, event.id, [], this.#maxEntries);
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

/** Adds the entry's steps to `memory`, forgetting the entry seen longest ago past `max`. */
function remember(
  memory: Map<string, LifecycleEventView[]>,
  id: string,
  events: LifecycleEventView[],
  max: number,
): LifecycleEventView[] {
  memory.set(id, events);
  // Maps iterate in insertion order, so the first key is the entry seen longest ago.
  if (memory.size > max) {
    const oldest = memory.keys().next().value;
    if (oldest !== undefined) memory.delete(oldest);
  }
  return events;
}
