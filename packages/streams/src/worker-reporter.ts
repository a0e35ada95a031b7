import type { EventEmitter } from 'node:events';
import type { ConsumerWorkerEvents, LifecycleEvent, LifecycleKind } from './consumer-worker-events.js';
import { asError, guardedEmit, warnListenerFailed, warnUnheardError } from './guarded-emit.js';
import { RecentRing } from './recent-ring.js';
import type { EventFields } from './types.js';

/** What happened to one entry this consumer handled, as `recent()` lists it. */
export interface RecentOutcome {
  readonly id: string;
  readonly eventType: string | null;
  /** `duplicate`: acked, its handler having found it handled already (see `HandlerOutcome`). */
  readonly outcome: 'acked' | 'duplicate' | 'dropped' | 'failed' | 'deleted' | 'dead-lettered';
  readonly deliveryCount: number | null;
  /** Why it failed or was deleted; `null` otherwise. */
  readonly reason: string | null;
  /** The entry's fields, when its payload was available. */
  readonly fields: EventFields | null;
  readonly ts: number;
}

/**
 * What a `ConsumerWorker` tells of itself: lifecycle events to its listeners, the outcomes `recent()` keeps,
 * and its failures, as 'error' events and as the `lastError` its status shows. The worker is the emitter;
 * this keeps the bookkeeping of what was said out of its read loop.
 */
export class WorkerReporter {
  readonly #emitter: EventEmitter<ConsumerWorkerEvents>;
  readonly #group: string;
  readonly #name: string;
  readonly #recent: RecentRing<RecentOutcome>;
  #lastError: string | null = null;
  /** Whether a failure nobody listened for has been warned of (see `warnUnheardError`). */
  #warnedUnheard = false;

  constructor(
    emitter: EventEmitter<ConsumerWorkerEvents>,
    group: string,
    name: string,
    recentCapacity: number,
  ) {
    this.#emitter = emitter;
    this.#group = group;
    this.#name = name;
    this.#recent = new RecentRing(recentCapacity);
  }

  /** The latest failure (`operation: message`), until that operation next succeeds; `null` when all is well. */
  get lastError(): string | null {
    return this.#lastError;
  }

  /** How many outcomes `recent()` keeps. */
  get recentCapacity(): number {
    return this.#recent.capacity;
  }

  /** The last `recentCapacity` outcomes, oldest first. */
  recent(): RecentOutcome[] {
    return this.#recent.toArray();
  }

  /** A final outcome for this delivery: listeners hear of it and `recent()` keeps it. */
  settle(
    kind: Exclude<RecentOutcome['outcome'], 'duplicate'>,
    id: string,
    deliveryCount: number | null,
    eventType: string | null,
    reason: string | null,
    fields: EventFields | null,
  ): void {
    const ts = Date.now();
    this.emit(kind, id, deliveryCount, eventType, reason, ts);
    this.record(kind, id, deliveryCount, eventType, reason, fields, ts);
  }

  /** Built only for listeners: the hot path emits per entry, and often nobody listens to every kind. */
  emit(
    kind: LifecycleKind,
    id: string,
    deliveryCount: number | null,
    eventType: string | null,
    reason: string | null = null,
    ts = Date.now(),
  ): void {
    if (this.#emitter.listenerCount(kind) === 0) return;
    const event: LifecycleEvent = {
      kind,
      id,
      group: this.#group,
      consumer: this.#name,
      deliveryCount,
      eventType,
      reason,
      ts,
    };
    guardedEmit(this.#emitter, kind, event, (error) => this.#listenerFailed(kind, error));
  }

  /** A lifecycle listener threw: an 'error' event says so (a warning when nobody listens); the entry goes on. */
  #listenerFailed(kind: LifecycleKind, error: Error): void {
    if (this.#emitter.listenerCount('error') === 0) {
      warnListenerFailed('ConsumerWorker', kind, error);
      return;
    }
    this.#emitError(`${kind} listener`, error);
  }

  record(
    outcome: RecentOutcome['outcome'],
    id: string,
    deliveryCount: number | null,
    eventType: string | null,
    reason: string | null,
    fields: EventFields | null,
    ts: number,
  ): void {
    this.#recent.push({ id, eventType, outcome, deliveryCount, reason, fields, ts });
  }

  /** The last error stands only until the same operation succeeds again: status shows what is wrong now. */
  recovered(operation: string): void {
    if (this.#lastError?.startsWith(`${operation}: `)) this.#lastError = null;
  }

  reportError(operation: string, error: unknown): void {
    const failure = asError(error);
    this.#lastError = `${operation}: ${failure.message}`;
    if (this.#emitter.listenerCount('error') === 0 && !this.#warnedUnheard) {
      this.#warnedUnheard = true;
      warnUnheardError(`ConsumerWorker ${this.#group}/${this.#name} (${operation})`, failure);
    }
    this.#emitError(operation, failure);
  }

  /** An 'error' event; an 'error' listener that throws ends in a process warning, never in the worker. */
  #emitError(operation: string, error: Error): void {
    // EventEmitter throws on an 'error' nobody listens to; the loop must never throw out of its task.
    if (this.#emitter.listenerCount('error') === 0) return;
    guardedEmit(
      this.#emitter,
      'error',
      { group: this.#group, consumer: this.#name, operation, error, ts: Date.now() },
      (listenerError) => warnListenerFailed('ConsumerWorker', 'error', listenerError),
    );
  }
}
