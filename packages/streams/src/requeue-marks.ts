import type { Redis } from 'ioredis';
import { redisCommand } from './errors.js';
import { compareEntryIds, fullEntryId, isEntryId } from './stream-ids.js';
import { DISCARD_LETTERS_OF_COMMAND, libraryScript } from './stream-scripts.js';

/** Requeue marks cleared per HDEL. */
const UNMARK_PAGE = 500;
/** Requeues finished per pass over the DLQ. */
const FINISH_PAGE = 2_000;
/** Letters a pass reads per script call: a few milliseconds of Redis's time each. */
const DISCARD_SCAN_PAGE = 2_000;

/**
 * The marks of entries a requeue put back (set by its script, in the same step as the copy: see
 * `requeueMarksKey`), and what finishes such a requeue: the entry's other letters discarded, then its mark cleared.
 */
export class RequeueMarks {
  readonly #redis: Redis;
  readonly #dlqKey: string;
  readonly #marksKey: string;

  constructor(redis: Redis, dlqKey: string, marksKey: string) {
    this.#redis = redis;
    this.#dlqKey = dlqKey;
    this.#marksKey = marksKey;
  }

  /**
   * Finishes every marked requeue (`DeadLetters.finishRequeues`): how many, and how many letters went. It reads the
   * whole DLQ: which letters were requeued is not known here, so neither is whether any is older than its entry.
   */
  async finishAll(): Promise<{ requeues: number; merged: number }> {
    const marked = (await redisCommand('HKEYS (requeue marks)', () =>
      this.#redis.call('HKEYS', this.#marksKey),
    )) as string[];
    return { requeues: marked.length, merged: await this.finish(marked, { fromStart: true }) };
  }

  /**
   * Discards every other letter of the entries put back that `originalIds` names, wherever it lies in the DLQ,
   * then their marks, a pass over the DLQ per 2,000 entries; answers how many letters went. Written before the
   * requeue or after it (a group that dead-lettered the original later: the copy reached it too), they are found
   * after it, a step of its own since finding them reads the DLQ from the entry's time on (no letter is older than
   * its entry while the entry's ID came from the clock that stamps the letters); `fromStart` reads all of it, for
   * a requeue that found a letter older than its entry (an ID a producer chose, or a clock stepped back). Cut off
   * part-way, the marks not yet cleared stay, and a requeue of one of their letters discards it rather than put
   * the entry back again.
   */
  async finish(originalIds: readonly string[], { fromStart = false } = {}): Promise<number> {
    let merged = 0;
    for (let at = 0; at < originalIds.length; at += FINISH_PAGE) {
      const page = originalIds.slice(at, at + FINISH_PAGE);
      merged += await this.#discardLettersOf(page, fromStart);
      await this.#unmark(page);
    }
    return merged;
  }

  /** Those of `originalIds` whose entries are marked as put back by a requeue not yet done with their letters. */
  async markedAmong(originalIds: readonly string[]): Promise<Set<string>> {
    const asked = originalIds.filter((id) => id !== '');
    if (asked.length === 0) return new Set();
    const copies = (await redisCommand('HMGET (requeue marks)', async () => {
      try {
        return await this.#redis.call('HMGET', this.#marksKey, ...asked);
      } catch (error) {
        throw await this.#namingWrongType(error);
      }
    })) as (string | null)[];
    return new Set(asked.filter((_, at) => copies[at] !== null));
  }

  /** Redis's WRONGTYPE said as the requeue script says it, naming the key and what it holds; anything else as it was. */
  async #namingWrongType(error: unknown): Promise<unknown> {
    if (!(error instanceof Error && error.message.startsWith('WRONGTYPE'))) return error;
    const type = await this.#redis.type(this.#marksKey).catch(() => 'value of another type');
    return new Error(`WRONGTYPE the requeue marks key ${this.#marksKey} holds a ${type}, not a hash`, {
      cause: error,
    });
  }

  /**
   * Deletes every letter of the entries `originalIds` names, reading the DLQ once from the oldest one's
   * millisecond on (or from its start), to its end, a page per script call; answers how many went. A letter
   * another client wrote with no stream ID for its original has no others to find.
   */
  async #discardLettersOf(originalIds: readonly string[], fromStart: boolean): Promise<number> {
    const whole = originalIds.filter(isEntryId).map(fullEntryId);
    if (whole.length === 0) return 0;
    const oldest = whole.reduce((a, b) => (compareEntryIds(a, b) <= 0 ? a : b));
    const discard = libraryScript(this.#redis, DISCARD_LETTERS_OF_COMMAND);
    // Its millisecond part as written: as a Number, one past 2^53 would be rounded to an ID Redis refuses.
    let from: string | null = fromStart ? '-' : oldest.slice(0, oldest.indexOf('-'));
    let deleted = 0;
    while (from !== null) {
      const start = from;
      const [count, last] = (await redisCommand('XDEL (dead letters of requeued entries)', () =>
        discard(this.#dlqKey, start, String(DISCARD_SCAN_PAGE), ...whole),
      )) as [number, string | null];
      deleted += Number(count);
      from = typeof last === 'string' ? `(${last}` : null;
    }
    return deleted;
  }

  /** Clears the marks of entries whose other letters are dealt with, a few hundred per call. */
  async #unmark(originalIds: readonly string[]): Promise<void> {
    for (let at = 0; at < originalIds.length; at += UNMARK_PAGE) {
      const page = originalIds.slice(at, at + UNMARK_PAGE);
      await redisCommand('HDEL (requeue marks)', () => this.#redis.call('HDEL', this.#marksKey, ...page));
    }
  }
}
