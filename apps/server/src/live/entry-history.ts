import { LIMITS, type LifecycleEventView, type LifecycleKindView } from '@streamscope/protocol';
import { LRUCache } from 'lru-cache';

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

/** A step off the happy path (dropped, failed, claimed, dead-lettered…): what a person watches the feed for. */
export const isTrouble = (event: LifecycleEventView): boolean => !UNEVENTFUL.has(event.kind);

/**
 * What the live feed keeps when a tick holds more than it sends (see `TickBuffer`): trouble, then deliveries and
 * acks, then `produced`, which the newest-entries table shows anyway; at 3,000 events/s the feed held nothing
 * else, and no group's work was seen in it.
 */
export const feedRank = (event: LifecycleEventView): number =>
  isTrouble(event) ? 2 : event.kind === 'produced' ? 0 : 1;

/**
 * A bounded server-side memory of each recent entry's lifecycle, for the dashboard's timeline.
 *
 * Entries that something went wrong with (dropped, failed, claimed, deleted, dead-lettered, duplicate,
 * requeued) are the ones a person opens a timeline for, often long after: they move to a memory of their
 * own, so that a flood of entries acked at thousands per second does not push a dead letter's story out
 * within seconds.
 */
export class EntryHistory {
  // Entries are only ever read with peek(), which leaves their place alone: each memory forgets the entry
  // first seen longest ago. (A Map asked for its first key after many deletes walks every slot V8 has not
  // compacted yet: a quarter of the server's CPU with the producer at 20,000/s.)
  readonly #uneventful: LRUCache<string, LifecycleEventView[]>;
  readonly #troubled: LRUCache<string, LifecycleEventView[]>;
  readonly #maxEventsPerEntry: number;

  constructor({
    maxEntries = LIMITS.historyEntries,
    maxTroubledEntries = LIMITS.historyTroubledEntries,
    maxEventsPerEntry = 64,
  }: EntryHistoryOptions = {}) {
    this.#uneventful = new LRUCache({ max: maxEntries });
    this.#troubled = new LRUCache({ max: maxTroubledEntries });
    this.#maxEventsPerEntry = maxEventsPerEntry;
  }

  record(event: LifecycleEventView): void {
    let events = this.#troubled.peek(event.id);
    if (!events) {
      events = this.#uneventful.peek(event.id);
      if (!UNEVENTFUL.has(event.kind)) {
        this.#uneventful.delete(event.id);
        events ??= [];
        this.#troubled.set(event.id, events);
      } else if (!events) {
        events = [];
        this.#uneventful.set(event.id, events);
      }
    }
    if (events.length >= this.#maxEventsPerEntry) events.shift();
    // Nothing happens to an entry before it is appended, but its append is recorded when XADD's reply is read,
    // and a worker's read of it, answered on a connection of its own, can be read first.
    if (event.kind === 'produced') events.unshift(event);
    else events.push(event);
  }

  /** The entry's steps in the order they happened; empty when it was never seen or long forgotten. */
  of(id: string): LifecycleEventView[] {
    return [...(this.#troubled.peek(id) ?? this.#uneventful.peek(id) ?? [])];
  }

  clear(): void {
    this.#uneventful.clear();
    this.#troubled.clear();
  }
}
