import type { StreamEntry } from './types.js';

/** Where an entry handed to the handler came from. */
export type DeliverySource = 'new' | 'own-pel' | 'claim';

export interface DeliveryContext {
  /** The stream the entry was read from: tells a handler shared by partitions which one this is. */
  readonly streamKey: string;
  readonly group: string;
  readonly consumer: string;
  /** Times Redis has delivered this entry, this time included; `null` when it could not be read. */
  readonly deliveryCount: number | null;
  readonly source: DeliverySource;
  /**
   * Aborted once `close()` begins. `close()` waits for the handler in hand however long it takes, so one that
   * can take long (a call to another service) should give up when this aborts (pass it on, or race it): its
   * entry, unacked, stays pending for a restart or a peer. A handler that never settles and ignores it
   * holds `close()` for good.
   */
  readonly signal: AbortSignal;
}

/**
 * What a handler may return besides nothing: `'duplicate'` when its idempotency guard found the entry handled
 * already (a redelivery after a crash, a group moved back) and it did not do the work again. The entry is acked
 * all the same, but counted in `duplicates`, not `processed`; `recent()` shows it as a duplicate, and its `acked`
 * event says so in its `reason`.
 */
export type HandlerOutcome = 'duplicate';

/**
 * Processes one entry. Returning (or its promise resolving) acks it; throwing (or rejecting) leaves it pending and
 * counts a failure. What it returns is ignored but for a `HandlerOutcome`: typed `unknown` so that a handler
 * ending in a call that returns something (`(entry) => sendEmail(entry)`) needs no braces or cast.
 */
export type EntryHandler = (entry: StreamEntry, context: DeliveryContext) => unknown;

/**
 * Asked of an entry at the delivery limit, before it is dead-lettered: whether it was handled already (a
 * once-per-ID guard knows it). Claims count as deliveries, so an entry whose handler outlasts the claim threshold,
 * claimed back and forth by reapers in other processes while in hand, reaches the limit without ever failing.
 */
export type HandledAlready = (entry: StreamEntry, context: DeliveryContext) => boolean | Promise<boolean>;

/** Every step a worker reports of an entry, each an event of its own name (to listen to them all, say). */
export const LIFECYCLE_KINDS = [
  'delivered',
  'acked',
  'dropped',
  'failed',
  'claimed',
  'deleted',
  'dead-lettered',
] as const;

export type LifecycleKind = (typeof LIFECYCLE_KINDS)[number];

/** One step in one entry's life in one consumer group. */
export interface LifecycleEvent {
  readonly kind: LifecycleKind;
  readonly id: string;
  readonly group: string;
  readonly consumer: string;
  readonly deliveryCount: number | null;
  /** The entry's `type` field, when its payload was available. */
  readonly eventType: string | null;
  /**
   * Why an entry failed or was deleted, or where a claim of that one entry took it from (`from worker-a`,
   * `claimEntry`); `null` otherwise.
   */
  readonly reason: string | null;
  /** Milliseconds since the Unix epoch. */
  readonly ts: number;
}

export interface WorkerErrorEvent {
  readonly group: string;
  readonly consumer: string;
  /**
   * What the worker was doing: `read`, `ack`, `pending`, `reap`, `dead-letter`; or `<kind> listener` when a
   * lifecycle listener threw (the worker carries on; an 'error' listener that throws becomes a process warning).
   */
  readonly operation: string;
  readonly error: Error;
  readonly ts: number;
}

/** Events of a `ConsumerWorker`, as `worker.on(name, listener)` receives them. */
export interface ConsumerWorkerEvents {
  /**
   * An entry reached this consumer (read, re-read from its PEL, or claimed): next it goes to the handler, to a
   * queued crash, or, at `maxDeliveries`, straight to the dead-letter stream without a handler seeing it.
   */
  delivered: [LifecycleEvent];
  /** An entry's XACK succeeded: it left the group's pending list. */
  acked: [LifecycleEvent];
  /** A queued crash (`crashNext`) swallowed the entry without ack; it stays pending for a claim. */
  dropped: [LifecycleEvent];
  /** The handler threw; the entry stays pending and counts as a failure. */
  failed: [LifecycleEvent];
  /** This consumer took the entry over from the PEL with XAUTOCLAIM. */
  claimed: [LifecycleEvent];
  /** The entry was pending but its payload had been trimmed; it cannot be processed. */
  deleted: [LifecycleEvent];
  /** The entry reached maxDeliveries (or was trimmed while pending) and was moved to the dead-letter stream. */
  'dead-lettered': [LifecycleEvent];
  /** Redis or the connection failed; the worker backs off and carries on by itself. */
  error: [WorkerErrorEvent];
}
