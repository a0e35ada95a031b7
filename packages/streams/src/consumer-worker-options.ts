import { optionNames } from './arguments.js';
import type { EntryHandler } from './consumer-worker-events.js';
import type { DeadLetters } from './dead-letters.js';

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
  /**
   * Where entries go once their delivery count reaches `maxDeliveries`, and entries trimmed while pending.
   * Without it, a poison pill is redelivered forever.
   */
  readonly deadLetters?: DeadLetters | null;
  /**
   * Delivery count at which a read or claimed entry is dead-lettered instead of handled: a handler gets
   * `maxDeliveries - 1` attempts. At least 2, since every entry's first delivery has count 1.
   */
  readonly maxDeliveries?: number;
  /** Run `reapIdlePel` on this interval (the auto-reaper); `null` leaves reaping to the caller. */
  readonly reapIntervalMs?: number | null;
  /** Entries scanned per XAUTOCLAIM page in `reapIdlePel`. */
  readonly reapPageCount?: number;
  /** At most this many XAUTOCLAIM pages per `reapIdlePel`. */
  readonly reapMaxPages?: number;
  /**
   * How the batch read ahead after a full batch is fetched. `'script'` (`consumeBacklog`) spends a quarter
   * of the client's CPU on it and somewhat more of Redis's: a worker catching up goes several times faster.
   * `'plain'` (`XREADGROUP` without BLOCK) keeps Redis's share at its least, for a Redis shared by many
   * consumers catching up at once. Reads at the head of the stream are plain blocking reads either way.
   */
  readonly catchUpReads?: 'script' | 'plain';
}

export const CONSUMER_WORKER_OPTIONS = optionNames<ConsumerWorkerOptions>({
  handler: true,
  count: true,
  blockMs: true,
  processLatencyMs: true,
  recentCapacity: true,
  maxBackoffMs: true,
  deadLetters: true,
  maxDeliveries: true,
  reapIntervalMs: true,
  reapPageCount: true,
  reapMaxPages: true,
  catchUpReads: true,
});

export const CONSUMER_WORKER_DEFAULTS = {
  count: 10,
  blockMs: 500,
  processLatencyMs: 0,
  recentCapacity: 20,
  maxBackoffMs: 2000,
  reapPageCount: 100,
  reapMaxPages: 10,
  deadLetters: null,
  maxDeliveries: 5,
  reapIntervalMs: null,
  catchUpReads: 'script',
} as const;
