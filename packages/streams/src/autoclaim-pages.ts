import type { Redis } from 'ioredis';
import { assertInteger, assertName, assertOptions, optionNames } from './arguments.js';
import { redisCommand, StreamArgumentError } from './errors.js';
import { parseAutoclaim, parseAutoclaimWithLetters } from './replies.js';
import { assertEntryId } from './stream-ids.js';
import { AUTOCLAIM_WITH_LETTERS_COMMAND, libraryScript } from './stream-scripts.js';
import type { AutoclaimResult, StreamEntry, TrimmedLetter } from './types.js';

export interface AutoclaimOptions {
  /** Entries scanned per XAUTOCLAIM call. */
  readonly pageCount?: number;
  readonly startId?: string;
  /** Safety net: at most this many XAUTOCLAIM calls, so one sweep cannot monopolise a huge PEL. */
  readonly maxPages?: number;
  /** Overrides the stream's `claimMinIdleMs` for this call. */
  readonly minIdleMs?: number;
  /**
   * A dead-letter stream: each trimmed ID idle past `minIdleMs` is written there (reason `trimmed`, with the
   * consumer that held it and its delivery count) in the same step as the claim that drops it from the PEL.
   * `DeadLetters.autoclaim` passes its own key.
   */
  readonly deadLetterKey?: string;
  /**
   * With `deadLetterKey`: IDs the caller's workers hold (being handled, or acks not yet confirmed). Found
   * trimmed, they are returned in `deletedIds` for the caller to judge rather than lettered in the script,
   * whatever their idle time: with a claim threshold shorter than a handler's work, idle says little.
   */
  readonly heldByCaller?: readonly string[];
}

const AUTOCLAIM_OPTIONS = optionNames<AutoclaimOptions>({
  pageCount: true,
  startId: true,
  maxPages: true,
  minIdleMs: true,
  deadLetterKey: true,
  heldByCaller: true,
});

/** What an autoclaim claims through: an EventStream, whose `claimMinIdleMs` is the default threshold. */
export interface AutoclaimTarget {
  readonly redis: Redis;
  readonly streamKey: string;
  readonly claimMinIdleMs: number;
}

/**
 * `EventStream.autoclaim` but for its counters: the options checked, then XAUTOCLAIM (or, with `deadLetterKey`,
 * its script) page by page until the cursor comes back to `0-0` or `maxPages` were read.
 */
export async function autoclaimPages(
  stream: AutoclaimTarget,
  group: string,
  consumer: string,
  options: AutoclaimOptions,
): Promise<AutoclaimResult> {
  assertOptions(options, 'autoclaim options', AUTOCLAIM_OPTIONS);
  const {
    pageCount = 100,
    startId = '0-0',
    maxPages = 10,
    minIdleMs = stream.claimMinIdleMs,
    deadLetterKey,
    heldByCaller = [],
  } = options;
  assertName(group, 'group');
  assertName(consumer, 'consumer');
  assertInteger(pageCount, 'pageCount', 1);
  assertEntryId(startId, 'startId');
  assertInteger(maxPages, 'maxPages', 1);
  assertInteger(minIdleMs, 'minIdleMs', 0);
  if (deadLetterKey !== undefined) assertName(deadLetterKey, 'deadLetterKey');
  if (!Array.isArray(heldByCaller))
    throw new StreamArgumentError('heldByCaller must be an array of stream IDs');
  for (const id of heldByCaller) assertEntryId(id, 'every heldByCaller ID');
  const claimed: StreamEntry[] = [];
  const deletedIds: string[] = [];
  const deletedDeliveryCounts = new Map<string, number>();
  const deletedHolders = new Map<string, string>();
  const deadLettered: TrimmedLetter[] = [];
  const letters =
    deadLetterKey === undefined
      ? null
      : { key: deadLetterKey, claim: libraryScript(stream.redis, AUTOCLAIM_WITH_LETTERS_COMMAND) };
  const claimPage = async (cursor: string): Promise<AutoclaimResult> => {
    if (letters === null) {
      const page = parseAutoclaim(
        await stream.redis.call(
          'XAUTOCLAIM',
          stream.streamKey,
          group,
          consumer,
          minIdleMs,
          cursor,
          'COUNT',
          pageCount,
        ),
      );
      return { ...page, deletedDeliveryCounts: new Map(), deletedHolders: new Map(), deadLettered: [] };
    }
    const args = [group, consumer, minIdleMs, cursor, pageCount, Date.now(), ...heldByCaller].map(String);
    return parseAutoclaimWithLetters(await letters.claim(stream.streamKey, letters.key, ...args));
  };
  let cursor = startId;
  for (let page = 0; page < maxPages; page++) {
    const result = await redisCommand('XAUTOCLAIM', () => claimPage(cursor));
    claimed.push(...result.claimed);
    deletedIds.push(...result.deletedIds);
    for (const [id, count] of result.deletedDeliveryCounts) deletedDeliveryCounts.set(id, count);
    for (const [id, holder] of result.deletedHolders) deletedHolders.set(id, holder);
    deadLettered.push(...result.deadLettered);
    cursor = result.cursor;
    if (cursor === '0-0') break;
  }
  return { claimed, deletedIds, deletedDeliveryCounts, deletedHolders, deadLettered, cursor };
}
