import type { EntryHandler } from './consumer-worker-events.js';

export interface ConsumerWorkerOptions {
  /** Processes each entry; defaults to one that accepts everything. */
  readonly handler?: EntryHandler;
  /** Entries per XREADGROUP. */
  readonly count?: number;
  /** How long one XREADGROUP waits for new entries. */
  readonly blockMs?: number;
  /** Simulated work before each handler call, for demos. */
  readonly processLatencyMs?: number;
  /** How many outcomes `recent()` remembers. */
  readonly recentCapacity?: number;
  /** Upper bound of the exponential back-off after a Redis error. */
  readonly maxBackoffMs?: number;
  /** Entries scanned per XAUTOCLAIM page in `reapIdlePel`. */
  readonly reapPageCount?: number;
  /** At most this many XAUTOCLAIM pages per `reapIdlePel`. */
  readonly reapMaxPages?: number;
}

export const CONSUMER_WORKER_DEFAULTS = {
  count: 10,
  blockMs: 500,
  processLatencyMs: 0,
  recentCapacity: 20,
  maxBackoffMs: 2000,
  reapPageCount: 100,
  reapMaxPages: 10,
} as const;
