import type { Redis } from 'ioredis';
import { assertInteger, assertName, assertOptions, optionNames } from './arguments.js';
import { redisCommand, StreamArgumentError } from './errors.js';
import { show } from './stream-ids.js';

export interface ProcessedIdsOptions {
  /** How long an ID is remembered; redeliveries come within minutes, so a day is plenty. */
  readonly retentionMs?: number;
  /**
   * How many IDs are remembered at most (the newest): at thousands of entries a second a day's IDs would
   * take gigabytes. 100,000 by default, about 12 MB of Redis's memory for stream IDs; a redelivery older than
   * that many entries is not recognised.
   */
  readonly maxIds?: number;
}

const PROCESSED_IDS_OPTIONS = optionNames<ProcessedIdsOptions>({ retentionMs: true, maxIds: true });

/**
 * A once-per-id guard for idempotent consumers, kept in Redis (a sorted set of IDs by processing time) so
 * it survives restarts. Check with `has` before the side effect, `add` after it succeeded: an entry whose
 * handler failed must still be handled when it comes back.
 *
 * @example
 *   if (await processed.has(entry.id)) return; // a redelivery: the work is already done
 *   await sendEmail(entry.fields);
 *   await processed.add(entry.id);
 */
export class ProcessedIds {
  readonly key: string;
  readonly #redis: Redis;
  readonly #retentionMs: number;
  readonly #maxIds: number;
  /**
   * Starts past the threshold, so an instance's first add prunes: a process restarted before it reaches
   * a thousand adds would otherwise never forget anything, and the set would grow with every restart.
   */
  #addsSincePrune = Number.POSITIVE_INFINITY;
  #queued: string[] = [];
  #flush: Promise<void> | undefined;

  constructor(redis: Redis, key: string, options: ProcessedIdsOptions = {}) {
    if (typeof (redis as Partial<Redis> | undefined)?.call !== 'function') {
      // An EventStream, as DeadLetters and StreamTail take: its connection is what is meant.
      const hint =
        typeof (redis as { redis?: Partial<Redis> } | undefined)?.redis?.call === 'function'
          ? ' (for an EventStream, pass its connection: new ProcessedIds(stream.redis, key))'
          : '';
      throw new StreamArgumentError(`redis must be an ioredis client, got ${show(redis)}${hint}`);
    }
    assertName(key, 'key');
    assertOptions(options, 'ProcessedIds options', PROCESSED_IDS_OPTIONS);
    const { retentionMs = 86_400_000, maxIds = 100_000 } = options;
    assertInteger(retentionMs, 'retentionMs', 1);
    assertInteger(maxIds, 'maxIds', 1);
    this.#redis = redis;
    this.key = key;
    this.#retentionMs = retentionMs;
    this.#maxIds = maxIds;
  }

  /** Whether the ID was marked less than `retentionMs` ago. */
  async has(id: string): Promise<boolean> {
    assertName(id, 'id');
    // Marked by add() but not yet sent: a ZSCORE now would reach Redis before that ZADD (two copies of one
    // event in a batch had the second handled again).
    if (this.#queued.includes(id)) return true;
    const markedAt = await redisCommand('ZSCORE (processed IDs)', () =>
      this.#redis.call('ZSCORE', this.key, id),
    );
    // Pruning runs only now and then: a mark past its age may still be in the set, and is forgotten all the
    // same (a consumer of a few entries an hour would otherwise remember them for weeks).
    return markedAt !== null && Number(markedAt) > Date.now() - this.#retentionMs;
  }

  /**
   * Marks one ID. Calls made in the same turn of the event loop share one ZADD. A worker runs its handlers one
   * after another, so only handlers that do not await it share one round trip for the batch (the demo's: a crash
   * before the ZADD lands then leaves a redelivery unrecognised, never an entry lost); a handler that awaits it
   * pays one round trip per entry, and knows its mark landed before its entry is acked. Not awaited, a failed
   * ZADD is not an unhandled rejection: that mark is missed, and a redelivery of its entry handled again.
   */
  add(id: string): Promise<void> {
    // Checked here, not in the shared flush: one bad ID must neither throw at the caller nor fail the others.
    try {
      assertName(id, 'id');
    } catch (error) {
      return Promise.reject(error);
    }
    this.#queued.push(id);
    if (this.#flush === undefined) {
      this.#flush = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        const ids = this.#queued;
        this.#queued = [];
        this.#flush = undefined;
        return this.addMany(ids);
      });
      // Not awaited (as a batch's handlers may leave it), a failed ZADD was an unhandled rejection, which ends a
      // Node process by default: the mark is missed, a redelivery then handled again. A caller that awaits
      // it still hears the failure.
      this.#flush.catch(() => {});
    }
    return this.#flush;
  }

  /** Marks many IDs in one round trip (a worker's batch). */
  async addMany(ids: readonly string[]): Promise<void> {
    if (!Array.isArray(ids)) throw new StreamArgumentError('ids must be an array of strings');
    // Redis would store undefined as "" and an object as "[object Object]": one such mark and every other
    // event keyed the same way would be taken for a duplicate, its work silently skipped.
    for (const [index, id] of ids.entries()) assertName(id, `ids[${index}]`);
    if (ids.length === 0) return;
    const now = Date.now();
    await redisCommand('ZADD (processed IDs)', () =>
      this.#redis.call('ZADD', this.key, ...ids.flatMap((id) => [now, id])),
    );
    // Forget old IDs now and then rather than on every add: past their age, and beyond the newest maxIds.
    this.#addsSincePrune += ids.length;
    if (this.#addsSincePrune >= Math.min(1_000, this.#maxIds)) {
      this.#addsSincePrune = 0;
      await redisCommand('ZREMRANGEBYSCORE (processed IDs)', () =>
        this.#redis
          .multi()
          .call('ZREMRANGEBYSCORE', this.key, '-inf', now - this.#retentionMs)
          .call('ZREMRANGEBYRANK', this.key, 0, -(this.#maxIds + 1))
          .exec(),
      );
    }
  }

  async clear(): Promise<void> {
    await redisCommand('DEL (processed IDs)', () => this.#redis.call('DEL', this.key));
  }
}
