import type { Redis } from 'ioredis';
import { assertName, assertOptions } from './arguments.js';
import { redisCommand, StreamArgumentError } from './errors.js';
import { parseIds } from './replies.js';
import { isBeyondIdSpace, show } from './stream-ids.js';
import { HANDOVER_WITH_LETTERS_COMMAND, libraryScript } from './stream-scripts.js';
import type { HandoverResult, MovedEntry, PendingEntry, TrimmedLetter } from './types.js';

const HANDOVER_PAGE = 100;
const HANDOVER_OPTIONS = ['deadLetterKey'];

/** What one page of a handover did, and the last pending ID it looked at (`null`: nothing left). */
interface HandoverPage {
  readonly moved: readonly MovedEntry[];
  readonly deleted: number;
  readonly letters: readonly TrimmedLetter[];
  readonly last: string | null;
}

/** What a handover reads and claims through: an EventStream. */
export interface HandoverSource {
  readonly redis: Redis;
  readonly streamKey: string;
  pendingDetail(
    group: string,
    options: { start: string; count: number; consumer: string },
  ): Promise<PendingEntry[]>;
}

/** One `EventStream.handoverPending`: the pending entries of `from` moved to `to`, a page at a time. */
export class PendingHandover {
  readonly #stream: HandoverSource;
  readonly #group: string;
  readonly #from: string;
  readonly #to: string;
  readonly #deadLetterKey: string | undefined;

  constructor(
    stream: HandoverSource,
    group: string,
    from: string,
    to: string,
    options: { readonly deadLetterKey?: string },
  ) {
    assertName(group, 'group');
    assertName(from, 'from consumer');
    assertName(to, 'to consumer');
    if (from === to)
      throw new StreamArgumentError(`cannot hand pending entries of ${show(from)} over to itself`);
    assertOptions(options, 'handover options', HANDOVER_OPTIONS);
    const { deadLetterKey } = options;
    if (deadLetterKey !== undefined) assertName(deadLetterKey, 'deadLetterKey');
    this.#stream = stream;
    this.#group = group;
    this.#from = from;
    this.#to = to;
    this.#deadLetterKey = deadLetterKey;
  }

  /** Every page, until `from` has nothing pending. */
  async run(): Promise<HandoverResult> {
    const deadLetterKey = this.#deadLetterKey;
    const claimPage = (start: string) =>
      deadLetterKey === undefined ? this.#page(start) : this.#pageWithLetters(start, deadLetterKey);
    const moved: MovedEntry[] = [];
    let deleted = 0;
    const deadLettered: TrimmedLetter[] = [];
    // Past the largest ID nothing can be pending, and Redis refuses `(` of it as a start rather than answer
    // empty: the handover ends there.
    for (let start = '-'; !isBeyondIdSpace(start, '+'); ) {
      const page = await claimPage(start);
      moved.push(...page.moved);
      deleted += page.deleted;
      deadLettered.push(...page.letters);
      if (page.last === null) break;
      start = `(${page.last}`;
    }
    const result = { moved: moved.length, movedEntries: moved, deleted };
    return deadLetterKey === undefined ? result : { ...result, deadLettered };
  }

  /** One page of a plain handover: XPENDING of `from`, then XCLAIM JUSTID (trimmed IDs are dropped). */
  async #page(start: string): Promise<HandoverPage> {
    const page = await this.#stream.pendingDetail(this.#group, {
      start,
      count: HANDOVER_PAGE,
      consumer: this.#from,
    });
    if (page.length === 0) return { moved: [], deleted: 0, letters: [], last: null };
    const ids = page.map((entry) => entry.id);
    const reply = await redisCommand('XCLAIM', () =>
      this.#stream.redis.call('XCLAIM', this.#stream.streamKey, this.#group, this.#to, 0, ...ids, 'JUSTID'),
    );
    const claimed = new Set(parseIds(reply));
    const unclaimed = ids.filter((id) => !claimed.has(id));
    // XCLAIM leaves out an ID trimmed from the stream (dropping it from the PEL), and one acked since XPENDING
    // listed it: only the first kind was deleted, and only it is missing from the stream.
    const deleted = unclaimed.length === 0 ? 0 : await this.#countMissing(unclaimed);
    const moved = page
      .filter((entry) => claimed.has(entry.id))
      .map((entry) => ({ id: entry.id, deliveryCount: entry.deliveries }));
    return { moved, deleted, letters: [], last: ids[ids.length - 1] ?? null };
  }

  /**
   * How many of these IDs the stream no longer holds. The XRANGEs go out together, one round trip. An entry acked
   * before the XCLAIM and trimmed before its XRANGE counts as deleted: a miscount only, as nothing was pending.
   */
  async #countMissing(ids: readonly string[]): Promise<number> {
    const replies = await redisCommand('XRANGE', () =>
      Promise.all(ids.map((id) => this.#stream.redis.call('XRANGE', this.#stream.streamKey, id, id))),
    );
    return replies.filter((reply) => Array.isArray(reply) && reply.length === 0).length;
  }

  /** One page of a handover by script, which dead-letters the trimmed IDs in the same step as the claim. */
  async #pageWithLetters(start: string, deadLetterKey: string): Promise<HandoverPage> {
    const handover = libraryScript(this.#stream.redis, HANDOVER_WITH_LETTERS_COMMAND);
    const [moved, written, last] = (await redisCommand('XCLAIM (handover script)', () =>
      handover(
        this.#stream.streamKey,
        deadLetterKey,
        this.#group,
        this.#from,
        this.#to,
        start,
        String(HANDOVER_PAGE),
        String(Date.now()),
      ),
    )) as [[string, number][], [string, number][], string | null];
    // Both lists are of [id, delivery count] pairs.
    const entryOf = ([id, deliveryCount]: [string, number]): MovedEntry => ({
      id: String(id),
      deliveryCount: Number(deliveryCount),
    });
    const letters = written.map((pair) => ({ ...entryOf(pair), consumer: this.#from }));
    return { moved: moved.map(entryOf), deleted: letters.length, letters, last: last || null };
  }
}
