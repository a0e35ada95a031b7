import { type LifecycleEventView, POISON_EVENT_TYPE } from '@streamscope/protocol';
import {
  compareEntryIds,
  type EntryHandler,
  type HandledAlready,
  type MovedEntry,
  ProcessedIds,
  REQUEUED_FROM_FIELD,
  type StreamEntry,
  type TrimmedLetter,
} from '@streamscope/streams';
import type { Redis } from 'ioredis';
import { GuardMarks } from './guard-marks.js';
import { namingOverwrittenKey } from './overwritten-keys.js';
import { ownKeys } from './own-keys.js';

/** An entry as the guard keys it: its ID, and its fields for `requeued_from`. */
type KeyedEntry = { readonly id: string; readonly fields: Readonly<Record<string, string>> };

/**
 * The event's identity, the once-per-ID guard's key: a copy requeued from the dead-letter stream is the original
 * event again, and a group that processed the original must not do the work twice.
 */
function eventKey(entry: KeyedEntry): string {
  return entry.fields[REQUEUED_FROM_FIELD] || entry.id;
}

/** Per-group running totals, from which the snapshot computes rates. */
export interface GroupCounters {
  delivered: number;
  acked: number;
  duplicates: number;
  deadLettered: number;
  /** When this process last dead-lettered an entry of the group (ms), for its alert; `null` before the first. */
  lastDeadLetteredAt: number | null;
}

/** Counts one letter of the group, written at `at`: the count and its time go together, for the alert. */
export function countDeadLetter(counters: GroupCounters, at: number): void {
  counters.deadLettered += 1;
  counters.lastDeadLetteredAt = at;
}

/**
 * The demo's handler of each group, and what it keeps per group: the once-per-ID guard that makes it idempotent,
 * the group's running totals, and how far a group's `>` reads may hand out entries it had read before (a group
 * moved back, or re-created under its workers).
 */
export class DemoHandlers {
  readonly counters = new Map<string, GroupCounters>();
  readonly #redis: Redis;
  readonly #streamKey: string;
  readonly #record: (event: LifecycleEventView) => void;
  readonly #guards = new Map<string, ProcessedIds>();
  readonly #marks: GuardMarks;
  /**
   * Per group moved back or re-created, the last ID its `>` reads may deliver again: its cursor stands before
   * entries the group may have processed, and the guard must be asked about those.
   */
  readonly #redeliveredThrough = new Map<string, string>();

  /** `report` hears when a group's guard marks start failing, and when they land again (see `GuardMarks`). */
  constructor(
    redis: Redis,
    streamKey: string,
    record: (event: LifecycleEventView) => void,
    report: (line: string) => void = () => {},
  ) {
    this.#redis = redis;
    this.#streamKey = streamKey;
    this.#record = record;
    this.#marks = new GuardMarks(report);
  }

  /**
   * The demo's handler: idempotent through the group's once-per-id guard (a redelivered entry that was
   * already processed is counted as a duplicate and acked, not processed again), and a poison pill
   * always fails, to be dead-lettered after maxDeliveries.
   */
  handlerFor(group: string): EntryHandler {
    const processed = this.#guard(group);
    const duplicate = this.#duplicates(group);
    // A batch's marks share one ZADD, and one promise: followed once, not once per entry.
    let followed: Promise<void> | undefined;
    return async (entry, { consumer, deliveryCount, source }) => {
      const key = eventKey(entry);
      // A `>` read is a first delivery to this group by definition (unless the group was moved back or re-created
      // under it); only redeliveries and copies need the lookup.
      const redelivered = this.#redeliveredThrough.get(group);
      const firstDelivery =
        source === 'new' && (redelivered === undefined || compareEntryIds(entry.id, redelivered) > 0);
      if ((!firstDelivery || key !== entry.id) && (await this.#knows(processed, key))) {
        duplicate(
          entry,
          consumer,
          deliveryCount,
          key === entry.id ? 'already processed' : `a requeued copy of ${key}, already processed`,
        );
        return 'duplicate';
      }
      if (entry.fields.type === POISON_EVENT_TYPE) throw new Error('poison pill: this handler always fails');
      // Marked after the work, not awaited: the batch's marks leave in one ZADD. Should the process die, or Redis
      // go away or refuse it, before it lands, a redelivery is merely not recognised as a duplicate; nothing is
      // lost, and a refusal is said (see GuardMarks).
      const marked = processed.add(key);
      if (marked !== followed) {
        followed = marked;
        this.#marks.follow(group, processed.key, marked);
      }
    };
  }

  /**
   * The worker's question at the delivery limit (see `HandledAlready`): an entry the group's guard knows was
   * processed is acked as a duplicate rather than dead-lettered. With a handler slower than the claim threshold,
   * reapers of other processes claim entries in hand back and forth, each claim a delivery, until one reaches
   * the limit: it was processed, and a letter would tell the operator it failed.
   */
  handledAlreadyFor(group: string): HandledAlready {
    const processed = this.#guard(group);
    const duplicate = this.#duplicates(group);
    return async (entry, { consumer, deliveryCount }) => {
      if (!(await this.#knows(processed, eventKey(entry)))) return false;
      duplicate(
        entry,
        consumer,
        deliveryCount,
        `delivery count ${deliveryCount} reached the limit, yet already processed (claimed by a peer while a handler slower than the claim threshold had it?), so not dead-lettered`,
      );
      return true;
    };
  }

  /**
   * Whether the group's guard knows `key`. A guard another client wrote over fails saying which key holds what,
   * not with Redis's bare WRONGTYPE: the failure is the entry's as far as the worker can tell, and its letter says why.
   */
  async #knows(processed: ProcessedIds, key: string): Promise<boolean> {
    try {
      return await processed.has(key);
    } catch (error) {
      throw await namingOverwrittenKey(this.#redis, [{ key: processed.key, holds: 'processed ID' }], error);
    }
  }

  /**
   * The groups among `groups` whose guard knows `entry`'s event as processed: a copy of it (a requeue) is acked there
   * as a duplicate, not handled again. Asked under the key the handlers mark, the first original's ID for an entry
   * that is itself a requeued copy. A guard that cannot be asked counts as not knowing it.
   */
  async processedIn(groups: readonly string[], entry: KeyedEntry): Promise<string[]> {
    const key = eventKey(entry);
    const known = await Promise.all(
      groups.map((group) =>
        this.#guard(group)
          .has(key)
          .catch(() => false),
      ),
    );
    return groups.filter((_, at) => known[at]);
  }

  /** Records a duplicate of the group in its counters and the entry's timeline, saying `why` it is one. */
  #duplicates(
    group: string,
  ): (entry: StreamEntry, consumer: string, deliveryCount: number | null, why: string) => void {
    const counters = this.countersOf(group);
    return (entry, consumer, deliveryCount, why) => {
      counters.duplicates += 1;
      this.#record({
        kind: 'duplicate',
        id: entry.id,
        group,
        consumer,
        deliveryCount,
        eventType: entry.fields.type,
        reason: `${why}, acked without doing the work again`,
        ts: Date.now(),
      });
    };
  }

  /** Batches of the group's guard marks lost since they last landed (see `GuardMarks`), for its alert. */
  guardMarksLost(group: string): number {
    return this.#marks.lostBatches(group);
  }

  countersOf(group: string): GroupCounters {
    let counters = this.counters.get(group);
    if (!counters) {
      counters = { delivered: 0, acked: 0, duplicates: 0, deadLettered: 0, lastDeadLetteredAt: null };
      this.counters.set(group, counters);
    }
    return counters;
  }

  /**
   * Letters written outside a worker (a handover, an operator's hand) still belong in the entries' timelines and
   * the group's dead-lettered count.
   */
  recordLetters(group: string, letters: readonly TrimmedLetter[], reason: string): void {
    const counters = this.countersOf(group);
    const ts = Date.now();
    for (const letter of letters) {
      countDeadLetter(counters, ts);
      this.#record({
        kind: 'dead-lettered',
        id: letter.id,
        group,
        consumer: letter.consumer,
        deliveryCount: letter.deliveryCount,
        eventType: null,
        reason,
        ts,
      });
    }
  }

  /**
   * A removed consumer's entries handed to a peer (XCLAIM JUSTID, see `ConsumerPool.remove`): claimed by the peer,
   * not delivered (the count stays the one the removed consumer had), so the step after, the peer's delivery,
   * does not come out of nowhere in the timeline.
   */
  recordHandover(group: string, from: string, to: string, moved: readonly MovedEntry[]): void {
    const ts = Date.now();
    for (const { id } of moved) {
      this.#record({
        kind: 'claimed',
        id,
        group,
        consumer: to,
        deliveryCount: null,
        eventType: null,
        reason: `handed over from ${from}, being removed`,
        ts,
      });
    }
  }

  redeliveredThrough(group: string): string | undefined {
    return this.#redeliveredThrough.get(group);
  }

  /** Sets how far the group's `>` reads may deliver again what it had read; `undefined`: nothing. */
  setRedeliveredThrough(group: string, through: string | undefined): void {
    if (through === undefined) this.#redeliveredThrough.delete(group);
    else this.#redeliveredThrough.set(group, through);
  }

  /** The stream is deleted: no group can read again what it had read. */
  forgetRedeliveries(): void {
    this.#redeliveredThrough.clear();
  }

  /** What is kept of a group: its guard, counters and redelivery mark. */
  async forgetGroup(group: string): Promise<void> {
    await this.#guard(group).clear();
    this.#guards.delete(group);
    this.#marks.forget(group);
    this.counters.delete(group);
    this.#redeliveredThrough.delete(group);
  }

  /** Empties the guards of these groups and of every group handled here, for a stream made anew. */
  async clearGuards(groups: readonly string[]): Promise<void> {
    for (const group of new Set([...groups, ...this.#guards.keys()])) {
      await this.#guard(group).clear();
      this.#marks.forget(group);
    }
  }

  #guard(group: string): ProcessedIds {
    let processed = this.#guards.get(group);
    if (!processed) {
      processed = new ProcessedIds(this.#redis, ownKeys.processed(this.#streamKey, group));
      this.#guards.set(group, processed);
    }
    return processed;
  }
}
