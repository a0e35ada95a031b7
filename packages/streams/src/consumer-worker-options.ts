import { assertInteger, assertOptions, assertTimerMs, optionNames } from './arguments.js';
import type { EntryHandler, HandledAlready } from './consumer-worker-events.js';
import { DeadLetters } from './dead-letters.js';
import { StreamArgumentError } from './errors.js';
import { show } from './stream-ids.js';

/**
 * Every option may be left out or given as `undefined` (its default then), so options built from an environment
 * (`count: env ? Number(env) : undefined`) type-check under `exactOptionalPropertyTypes`.
 */
export interface ConsumerWorkerOptions {
  /** Processes each entry; defaults to one that accepts everything. */
  readonly handler?: EntryHandler | undefined;
  /** Entries per XREADGROUP. */
  readonly count?: number | undefined;
  /** How long one XREADGROUP waits for new entries. */
  readonly blockMs?: number | undefined;
  /** Simulated work before each handler call, for demos. */
  readonly processLatencyMs?: number | undefined;
  /** How many outcomes `recent()` remembers. */
  readonly recentCapacity?: number | undefined;
  /** Upper bound of the exponential back-off after a Redis error. */
  readonly maxBackoffMs?: number | undefined;
  /**
   * Where entries go once their delivery count reaches `maxDeliveries`, and entries trimmed while pending.
   * Without it, a poison pill is redelivered forever.
   */
  readonly deadLetters?: DeadLetters | null | undefined;
  /**
   * Delivery count at which a read or claimed entry is dead-lettered instead of handled: a handler gets
   * `maxDeliveries - 1` attempts. At least 2, since every entry's first delivery has count 1.
   */
  readonly maxDeliveries?: number | undefined;
  /**
   * Asked before an entry is dead-lettered at `maxDeliveries`: `true` acks it as a duplicate instead (see
   * `HandledAlready`), so the DLQ holds what failed, not what a slow handler finished while peers claimed it.
   * A throw or rejection dead-letters it, as without this option.
   */
  readonly handledAlready?: HandledAlready | undefined;
  /** Run `reapIdlePel` on this interval (the auto-reaper); `null` leaves reaping to the caller. */
  readonly reapIntervalMs?: number | null | undefined;
  /** Entries scanned per XAUTOCLAIM page in `reapIdlePel`. */
  readonly reapPageCount?: number | undefined;
  /** At most this many XAUTOCLAIM pages per `reapIdlePel`. */
  readonly reapMaxPages?: number | undefined;
  /**
   * How the batch read ahead after a full batch is fetched. `'script'` (`consumeBacklog`) spends a quarter
   * of the client's CPU on it and somewhat more of Redis's: a worker catching up goes several times faster.
   * `'plain'` (`XREADGROUP` without BLOCK) keeps Redis's share at its least, for a Redis shared by many
   * consumers catching up at once. Reads at the head of the stream are plain blocking reads either way.
   */
  readonly catchUpReads?: 'script' | 'plain' | undefined;
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
  handledAlready: true,
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

/** The settings a `ConsumerWorker` runs with, besides its handler, DLQ, auto-reap interval and limit check. */
export type ConsumerWorkerSettings = {
  readonly [Name in Exclude<
    keyof ConsumerWorkerOptions,
    'handler' | 'deadLetters' | 'reapIntervalMs' | 'handledAlready'
  >]-?: Exclude<ConsumerWorkerOptions[Name], undefined>;
};

/**
 * A `ConsumerWorker`'s options over the defaults, checked: each bad one throws a `StreamArgumentError` that
 * names it. `streamKey` is the worker's stream, which its DLQ must serve.
 */
export function resolveWorkerOptions(
  options: ConsumerWorkerOptions,
  streamKey: string,
): {
  handler: EntryHandler;
  deadLetters: DeadLetters | null;
  reapIntervalMs: number | null;
  handledAlready: HandledAlready | null;
  settings: ConsumerWorkerSettings;
} {
  assertOptions(options, 'ConsumerWorker options', CONSUMER_WORKER_OPTIONS);
  const resolved = { ...CONSUMER_WORKER_DEFAULTS, ...withoutUndefined(options) };
  assertInteger(resolved.count, 'count', 1);
  assertInteger(resolved.blockMs, 'blockMs', 1);
  assertTimerMs(resolved.processLatencyMs, 'processLatencyMs', 0);
  assertInteger(resolved.recentCapacity, 'recentCapacity', 0);
  assertTimerMs(resolved.maxBackoffMs, 'maxBackoffMs', 1);
  assertInteger(resolved.reapPageCount, 'reapPageCount', 1);
  assertInteger(resolved.reapMaxPages, 'reapMaxPages', 1);
  // 1 would dead-letter every entry on its first delivery, before any handler saw it.
  assertInteger(resolved.maxDeliveries, 'maxDeliveries', 2);
  if (resolved.reapIntervalMs !== null) assertTimerMs(resolved.reapIntervalMs, 'reapIntervalMs', 1);
  if (resolved.catchUpReads !== 'script' && resolved.catchUpReads !== 'plain') {
    throw new StreamArgumentError(
      `catchUpReads must be 'script' or 'plain', got ${show(resolved.catchUpReads)}`,
    );
  }
  if (options.handler !== undefined && typeof options.handler !== 'function') {
    throw new StreamArgumentError('handler must be a function');
  }
  if (options.handledAlready !== undefined && typeof options.handledAlready !== 'function') {
    throw new StreamArgumentError(`handledAlready must be a function, got ${show(options.handledAlready)}`);
  }
  const { handler, deadLetters, reapIntervalMs, handledAlready, ...rest } = resolved as typeof resolved & {
    handler?: EntryHandler;
    handledAlready?: HandledAlready;
    deadLetters: DeadLetters | null;
    reapIntervalMs: number | null;
  };
  if (deadLetters !== null && !(deadLetters instanceof DeadLetters)) {
    throw new StreamArgumentError(
      `deadLetters must be a DeadLetters of this stream (new DeadLetters(stream)) or null, got ${show(deadLetters)}`,
    );
  }
  // Its scripts claim and ack on the DLQ's own stream: another stream's would act on the wrong entries.
  if (deadLetters && deadLetters.streamKey !== streamKey) {
    throw new StreamArgumentError(
      `deadLetters serves ${show(deadLetters.streamKey)}, not this worker's stream ${show(streamKey)}`,
    );
  }
  return {
    handler: handler ?? (() => {}),
    deadLetters,
    reapIntervalMs,
    handledAlready: handledAlready ?? null,
    settings: rest,
  };
}

/** The options given a value: one given as `undefined` takes its default, as one left out does. */
function withoutUndefined<T extends object>(options: T): { [Name in keyof T]?: Exclude<T[Name], undefined> } {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as {
    [Name in keyof T]?: Exclude<T[Name], undefined>;
  };
}
