import type { Redis } from 'ioredis';
import { assertBoolean, assertInteger, assertName, assertOptions, optionNames } from './arguments.js';
import { type AutoclaimOptions, autoclaimPages } from './autoclaim-pages.js';
import {
  assertEntryBounds,
  type BoundedEntry,
  type BoundedRead,
  cutText,
  type EntryBounds,
  readBounded,
  rowFields,
} from './bounded-read.js';
import { type HeldConnection, holdConnection, releaseConnection } from './connection.js';
import { countRangePaged, idAtOffset } from './count-range-script.js';
import {
  GroupNotFoundError,
  ProduceStoppedError,
  redisCommand,
  StreamArgumentError,
  StreamError,
  wrapRedisError,
} from './errors.js';
import { encodeBatchEvent, encodeFields } from './event-encoding.js';
import {
  EVENT_STREAM_OPTIONS,
  type EventStreamOptions,
  resolveStreamSettings,
} from './event-stream-options.js';
import { PendingHandover } from './pending-handover.js';
import { PRODUCE_BATCH_CHUNK } from './produce-batch-script.js';
import {
  parseBacklogBatch,
  parseClaimOne,
  parseConsumers,
  parseEntries,
  parseEntryPlaces,
  parseFoundEntries,
  parseGroups,
  parsePendingDetail,
  parsePendingSummary,
  parseProducedIds,
  parseReadGroup,
  parseStreamInfo,
  parseStreamSummary,
  parseTypesOf,
} from './replies.js';
import type { ScriptCommand } from './script-command.js';
import {
  assertEntryId,
  assertGroupStart,
  assertRangeBound,
  entryIdTime,
  fullEntryId,
  isBeyondIdSpace,
  show,
} from './stream-ids.js';
import { measureRoom, type StreamRoom } from './stream-room.js';
import {
  BOUNDED_READ_COMMAND,
  CLAIM_ONE_COMMAND,
  COUNT_RANGE_COMMAND,
  ENTRY_PLACES_COMMAND,
  FIND_BY_FIELD_COMMAND,
  libraryScript,
  NEWEST_AFTER_COMMAND,
  PRODUCE_BATCH_COMMAND,
  READ_BACKLOG_COMMAND,
  type ScriptName,
  SET_GROUP_ID_COMMAND,
  STREAM_SUMMARY_COMMAND,
  TYPES_OF_COMMAND,
} from './stream-scripts.js';
import type {
  AutoclaimResult,
  BacklogBatch,
  ClaimOneResult,
  ConsumerInfo,
  EntryPlaces,
  EventInput,
  EventPayload,
  FoundEntries,
  GroupInfo,
  HandoverResult,
  OwnPelRead,
  PendingEntry,
  PendingSummary,
  StreamEntry,
  StreamInfo,
  StreamStats,
  StreamSummary,
} from './types.js';

export type { AutoclaimOptions } from './autoclaim-pages.js';

export interface PendingDetailOptions {
  readonly start?: string;
  readonly end?: string;
  readonly count?: number;
  /** Only entries owned by this consumer. */
  readonly consumer?: string;
  /** Only entries idle at least this long. */
  readonly minIdleMs?: number;
}

export interface TrimOptions {
  /** `~` trimming releases whole macro-nodes only: far cheaper, and what a retention guardrail wants. */
  readonly approx?: boolean;
}

export interface FindByFieldOptions {
  /** Search from the entry before this ID (a previous search's `stoppedAt`); from the newest by default. */
  readonly before?: string;
  /**
   * The most entries one search reads (500): each costs Redis about 5 µs (its fields made Lua strings), and a
   * script holds Redis up while it runs; 2,000 held it 11 ms.
   */
  readonly readMax?: number;
  /**
   * The most bytes of entries one search reads, each whole (2 MiB, each string counted as the bounded reads count
   * it); the first is always read.
   */
  readonly readBytes?: number;
  /** The most matches it returns (20). */
  readonly max?: number;
  /** The characters kept of each match's type (200). */
  readonly typeChars?: number;
}

const FIND_BY_FIELD_OPTIONS = optionNames<FindByFieldOptions>({
  before: true,
  readMax: true,
  readBytes: true,
  max: true,
  typeChars: true,
});

const PENDING_DETAIL_OPTIONS = optionNames<PendingDetailOptions>({
  start: true,
  end: true,
  count: true,
  consumer: true,
  minIdleMs: true,
});
const TRIM_OPTIONS = optionNames<TrimOptions>({ approx: true });

interface Counters {
  produced: number;
  acked: number;
  claimed: number;
}

/**
 * Refuses anything but an EventStream where one is needed, naming who asked: passed a PartitionedStream
 * (several keys) or nothing, the first use would otherwise fail far from the mistake, as a TypeError.
 */
export function assertEventStream(value: unknown, who: string): asserts value is EventStream {
  if (value instanceof EventStream) return;
  const got =
    value === null || typeof value !== 'object' ? show(value) : (value.constructor?.name ?? 'an object');
  throw new StreamArgumentError(
    `${who} takes an EventStream, got ${got} (for a PartitionedStream, use one of its \`streams\`, or its workers())`,
  );
}

/**
 * One Redis stream used as an event log read by consumer groups: the pattern of the redis.io streaming demo.
 *
 * @example
 *   const stream = new EventStream({ connection: 'redis://127.0.0.1:6379', streamKey: 'demo:events:orders' });
 *   await stream.ensureGroup('notifications', '0-0');
 *   await stream.produce('order.placed', { order_id: 'o-1234', customer: 'alice', amount: '49.50' });
 *   // A blocking read holds its connection until it answers: on a connection of its own, not the shared one.
 *   const reader = stream.withConnection(stream.redis.duplicate());
 *   const entries = await reader.consume('notifications', 'worker-a', 10, 500);
 *   await stream.ack('notifications', entries.map((entry) => entry.id));
 *   reader.redis.disconnect();
 *   await stream.close(); // it opened the connection from the URL, so it closes it
 */
export class EventStream {
  readonly streamKey: string;
  readonly maxlenApprox: number | null;
  readonly claimMinIdleMs: number;
  readonly redis: Redis;
  readonly #connection: HeldConnection;
  #counters: Counters;

  constructor(options: EventStreamOptions) {
    assertOptions(options, 'EventStream options', EVENT_STREAM_OPTIONS);
    const { connection, streamKey } = options;
    assertName(streamKey, 'streamKey');
    const { maxlenApprox, claimMinIdleMs } = resolveStreamSettings(options);
    this.#connection = holdConnection(connection);
    this.redis = this.#connection.redis;
    this.streamKey = streamKey;
    this.maxlenApprox = maxlenApprox;
    this.claimMinIdleMs = claimMinIdleMs;
    this.#counters = { produced: 0, acked: 0, claimed: 0 };
  }

  /**
   * The same stream over another connection, sharing this one's counters; not owned by the view.
   * Blocking readers use it so their `XREADGROUP ... BLOCK` never holds up the shared connection.
   */
  withConnection(redis: Redis): EventStream {
    const view = new EventStream({
      connection: redis,
      streamKey: this.streamKey,
      maxlenApprox: this.maxlenApprox,
      claimMinIdleMs: this.claimMinIdleMs,
    });
    view.#counters = this.#counters;
    return view;
  }

  /** Appends one event; returns its ID. */
  async produce(type: string, payload: EventPayload = {}): Promise<string> {
    const fields = encodeFields(type, payload);
    const cap = this.maxlenApprox === null ? [] : ['MAXLEN', '~', String(this.maxlenApprox)];
    const id = await redisCommand('XADD', () =>
      this.redis.call('XADD', this.streamKey, ...cap, '*', ...fields),
    );
    this.#counters.produced += 1;
    return String(id);
  }

  /**
   * Appends many events in one round trip; returns their IDs in input order.
   * Each chunk of up to `PRODUCE_BATCH_CHUNK` (250) events is one server-side script call; the chunks share
   * a pipeline, so Redis appends one while the next is serialised.
   */
  async produceBatch(events: readonly EventInput[]): Promise<string[]> {
    if (!Array.isArray(events)) throw new StreamArgumentError('events must be an array of { type, payload }');
    if (events.length === 0) return [];
    const maxlen = this.maxlenApprox === null ? '' : String(this.maxlenApprox);
    // Every event is encoded (and so validated) before anything is sent: a bad event appends nothing.
    // Array.from, not map: a hole in a sparse array is checked (and refused) like any other element.
    const encoded = Array.from(events, encodeBatchEvent);
    const produceChunk = this.#script(PRODUCE_BATCH_COMMAND);
    // Each chunk is written as soon as it is serialised, so Redis appends one chunk while the next is being
    // prepared; replies come back in order on the one connection.
    const replies: Promise<unknown>[] = [];
    for (let start = 0; start < encoded.length; start += PRODUCE_BATCH_CHUNK) {
      const chunk = JSON.stringify(encoded.slice(start, start + PRODUCE_BATCH_CHUNK));
      replies.push(produceChunk(this.streamKey, maxlen, chunk));
    }
    const settled = await Promise.allSettled(replies);
    // Every chunk that answered was appended, those after a failed one included: their IDs are told and counted,
    // not lost with the failure, each in its event's place.
    const landed = settled.flatMap((reply, chunk) =>
      reply.status === 'fulfilled'
        ? parseProducedIds(reply.value as Parameters<typeof parseProducedIds>[0])
        : new Array<null>(Math.min(PRODUCE_BATCH_CHUNK, encoded.length - chunk * PRODUCE_BATCH_CHUNK)).fill(
            null,
          ),
    );
    const ids = landed.filter((id) => id !== null);
    this.#counters.produced += ids.length;
    const failed = settled.find((reply) => reply.status === 'rejected');
    if (failed !== undefined) {
      const failure = wrapRedisError('XADD batch', failed.reason);
      if (ids.length === 0) throw failure;
      throw new ProduceStoppedError(
        `${failure.message} (after appending ${ids.length} of the batch's ${events.length} events)`,
        landed,
        { cause: failure },
      );
    }
    return ids;
  }

  /** One of this library's scripts as a command of this connection, defined on first use. */
  #script(name: ScriptName): ScriptCommand {
    return libraryScript(this.redis, name);
  }

  /**
   * `XGROUP CREATE ... MKSTREAM`: creates the group (and the stream when missing); a no-op when the group already
   * exists, left as it was, its cursor unmoved. Says whether it created it: `false` for a group that was there
   * (another client's, perhaps).
   *
   * No ENTRIESREAD is given, though it would have Redis know the lag of a group made mid-stream from the start:
   * Redis 7.0 writes a group's reads to its AOF and replicas as XCLAIM ... LASTID, which moves the cursor but not
   * the entries-read, so after a restart such a counter lags behind and Redis reports a lag too high (1,479 for a
   * group caught up, in a test); left unknown, Redis says unknown, and `XINFO GROUPS` readers can count themselves.
   */
  async ensureGroup(group: string, startId = '$'): Promise<boolean> {
    assertName(group, 'group');
    assertGroupStart(startId);
    try {
      await this.redis.call('XGROUP', 'CREATE', this.streamKey, group, startId, 'MKSTREAM');
      return true;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('BUSYGROUP')) return false;
      throw wrapRedisError('XGROUP CREATE', error);
    }
  }

  /**
   * `XGROUP SETID`: moves the group's last-delivered ID, so its next `>` reads start after `id` (`$`: after the
   * newest entry). Back, entries the group already had are delivered again; forward, the ones skipped are never
   * delivered to it. Its pending entries stay as they are. Answers the group as XINFO GROUPS showed it just
   * before and just after the move, both read in the same step as it (a consumer reading at once from the new
   * position moves the cursor on before any later read). `GroupNotFoundError` when there is no such group.
   */
  async setGroupId(group: string, id: string): Promise<{ before: GroupInfo; after: GroupInfo }> {
    assertName(group, 'group');
    assertGroupStart(id);
    const setGroupId = this.#script(SET_GROUP_ID_COMMAND);
    const reply = await redisCommand('XGROUP SETID', () => setGroupId(this.streamKey, group, id));
    const [before, after] = parseGroups(reply);
    if (!before || !after) throw new StreamError(`XGROUP SETID: unexpected reply ${show(reply)}`);
    return { before, after };
  }

  /**
   * `XREADGROUP ... >`: entries never delivered to anyone in the group; waits up to `blockMs` (0 = forever,
   * `null` = not at all). A blocking read holds this stream's connection until it answers: every other command
   * on it (a produce, an ack, a worker's reap or dead letter) waits behind it. Block on a connection of its own,
   * `withConnection(redis.duplicate())`, as `ConsumerWorker` does (the seed's "one connection per blocking consumer").
   */
  async consume(
    group: string,
    consumer: string,
    count: number,
    blockMs: number | null,
  ): Promise<StreamEntry[]> {
    assertName(group, 'group');
    assertName(consumer, 'consumer');
    assertInteger(count, 'count', 1);
    if (blockMs !== null) assertInteger(blockMs, 'blockMs', 0);
    // BLOCK 0 waits forever; `null` leaves BLOCK out, so an empty stream answers at once.
    const block = blockMs === null ? [] : ['BLOCK', blockMs];
    return parseReadGroup(await this.#readGroup(group, consumer, count, block, '>')).entries;
  }

  /** `XREADGROUP GROUP group consumer COUNT count [BLOCK ms] STREAMS key from`, its reply unparsed. */
  #readGroup(
    group: string,
    consumer: string,
    count: number,
    block: readonly (string | number)[],
    from: string,
  ): Promise<unknown> {
    return redisCommand('XREADGROUP', () =>
      this.redis.call(
        'XREADGROUP',
        'GROUP',
        group,
        consumer,
        'COUNT',
        count,
        ...block,
        'STREAMS',
        this.streamKey,
        from,
      ),
    );
  }

  /**
   * `XREADGROUP ... >` without BLOCK, run in a script that returns the batch as one JSON string: the same
   * entries as `consume(group, consumer, count, null)` for a quarter of the client's CPU, at some more of
   * Redis's (see read-backlog-script.ts). For catching up with a backlog in large batches.
   */
  async consumeBacklog(group: string, consumer: string, count: number): Promise<StreamEntry[]> {
    return (await this.consumeBacklogBatch(group, consumer, count)).entries();
  }

  /**
   * `consumeBacklog` in two steps: how many entries Redis delivered as soon as it answers, the entries
   * themselves when asked for. A reader catching up can ask for the next batch first, so that Redis reads it
   * while this one is parsed and handled, rather than waiting idle for the parse.
   *
   * @example
   *   const batch = await stream.consumeBacklogBatch('g', 'c', 1000);
   *   const next = batch.size === 1000 ? stream.consumeBacklogBatch('g', 'c', 1000) : undefined;
   *   for (const entry of batch.entries()) handle(entry);
   */
  async consumeBacklogBatch(group: string, consumer: string, count: number): Promise<BacklogBatch> {
    assertName(group, 'group');
    assertName(consumer, 'consumer');
    assertInteger(count, 'count', 1);
    const readBacklog = this.#script(READ_BACKLOG_COMMAND);
    const reply = await redisCommand('XREADGROUP (backlog script)', () =>
      readBacklog(this.streamKey, group, consumer, String(count)),
    );
    return parseBacklogBatch(reply);
  }

  /**
   * The `type` field of each of these entries, by ID, in one server-side call; IDs no longer in the stream
   * (trimmed or deleted) are left out. For labelling pending entries, which XPENDING lists without fields.
   */
  async typesOf(ids: readonly string[]): Promise<Map<string, string>> {
    return (await this.#readTypes(ids, '', '')).types;
  }

  /**
   * `typesOf`, bounded: each type cut at `bounds.chars` characters (see `cutText`), shortened in Redis, and Redis
   * stops once it has read about `bounds.readBytes` of entries (each whole, as it must to find its type; the first
   * always), so that a view asking four times a second for the types of another application's megabyte entries
   * neither holds Redis up nor receives megabyte types. `read` is how many of the IDs, from the first, it looked at:
   * one of those missing from `types` is no longer in the stream, and the types of the rest are not known.
   * @example const { types, read } = await stream.typesWithin(ids, { chars: 100, readBytes: 1024 * 1024 });
   */
  async typesWithin(
    ids: readonly string[],
    bounds: Pick<EntryBounds, 'chars' | 'readBytes'>,
  ): Promise<{ types: Map<string, string>; read: number }> {
    assertOptions(bounds, 'type bounds', ['chars', 'readBytes']);
    assertInteger(bounds.chars, 'bounds.chars', 1);
    assertInteger(bounds.readBytes, 'bounds.readBytes', 1);
    return this.#readTypes(ids, String(bounds.chars), String(bounds.readBytes));
  }

  async #readTypes(
    ids: readonly string[],
    chars: string,
    readBytes: string,
  ): Promise<{ types: Map<string, string>; read: number }> {
    assertIds(ids);
    const types = new Map<string, string>();
    if (ids.length === 0) return { types, read: 0 };
    const typesOf = this.#script(TYPES_OF_COMMAND);
    const reply = await redisCommand('XRANGE (types script)', () =>
      typesOf(this.streamKey, chars, readBytes, ...ids),
    );
    const { types: read, shortened } = parseTypesOf(reply);
    read.forEach((type, index) => {
      const id = ids[index];
      if (type === null || id === undefined) return;
      types.set(id, chars === '' ? type : cutText(type, Number(chars), shortened.has(index + 1)));
    });
    return { types, read: read.length };
  }

  /**
   * `XREADGROUP ... <afterId>`: re-reads entries already delivered to this consumer and not acked (its PEL).
   * The recovery path for a consumer that restarts under the same name; page with the last ID returned.
   */
  async consumeOwnPel(group: string, consumer: string, count: number, afterId = '0-0'): Promise<OwnPelRead> {
    assertName(group, 'group');
    assertName(consumer, 'consumer');
    assertInteger(count, 'count', 1);
    assertEntryId(afterId, 'afterId');
    return parseReadGroup(await this.#readGroup(group, consumer, count, [], afterId));
  }

  /** `XACK`; returns how many entries were actually removed from the group's PEL. */
  async ack(group: string, ids: readonly string[]): Promise<number> {
    assertName(group, 'group');
    assertIds(ids);
    if (ids.length === 0) return 0;
    const acked = Number(
      await redisCommand('XACK', () => this.redis.call('XACK', this.streamKey, group, ...ids)),
    );
    this.#counters.acked += acked;
    return acked;
  }

  /**
   * `XAUTOCLAIM` to `consumer`, following the cursor until `0-0` or `maxPages`.
   * Entries trimmed while pending come back in `deletedIds`; Redis has already removed them from the PEL.
   */
  async autoclaim(group: string, consumer: string, options: AutoclaimOptions = {}): Promise<AutoclaimResult> {
    const result = await autoclaimPages(this, group, consumer, options);
    this.#counters.claimed += result.claimed.length;
    return result;
  }

  /** `XCLAIM` of known IDs idle at least `minIdleMs`; returns the entries now owned by `consumer`. */
  async claim(
    group: string,
    consumer: string,
    ids: readonly string[],
    minIdleMs: number,
  ): Promise<StreamEntry[]> {
    assertName(group, 'group');
    assertName(consumer, 'consumer');
    assertIds(ids);
    assertInteger(minIdleMs, 'minIdleMs', 0);
    if (ids.length === 0) return [];
    const reply = await redisCommand('XCLAIM', () =>
      this.redis.call('XCLAIM', this.streamKey, group, consumer, minIdleMs, ...ids),
    );
    const claimed = parseEntries(reply);
    this.#counters.claimed += claimed.length;
    return claimed;
  }

  /**
   * `XCLAIM` of one pending entry to `consumer`, once idle at least `minIdleMs` (the stream's `claimMinIdleMs` by
   * default), and only while its payload is still in the stream: Redis 7 drops a trimmed one from the PEL on
   * XCLAIM without a trace. Looked at and claimed in one step. The claimed entry is not delivered by this: the
   * caller handles and acks it (`ConsumerWorker.claimEntry` does).
   *
   * @example
   *   const outcome = await stream.claimOne('notifications', '1712345678901-0', 'worker-b');
   *   if (outcome.claimed) await handle(outcome.entry); // delivery outcome.deliveryCount
   */
  async claimOne(
    group: string,
    id: string,
    consumer: string,
    options: { readonly minIdleMs?: number } = {},
  ): Promise<ClaimOneResult> {
    assertOptions(options, 'claimOne options', ['minIdleMs']);
    const { minIdleMs = this.claimMinIdleMs } = options;
    assertName(group, 'group');
    assertEntryId(id, 'id');
    assertName(consumer, 'consumer');
    assertInteger(minIdleMs, 'minIdleMs', 0);
    const claimOne = this.#script(CLAIM_ONE_COMMAND);
    const reply = await redisCommand('XCLAIM', () =>
      claimOne(this.streamKey, group, consumer, String(minIdleMs), fullEntryId(id)),
    );
    const result = parseClaimOne(reply);
    if (result.claimed) this.#counters.claimed += 1;
    return result;
  }

  /**
   * Moves every entry pending for `from` to `to` (XPENDING ... CONSUMER, then XCLAIM JUSTID, paged),
   * without bumping delivery counts. XAUTOCLAIM cannot do this: it has no source-consumer filter.
   */
  async handoverPending(
    group: string,
    from: string,
    to: string,
    options: { readonly deadLetterKey?: string } = {},
  ): Promise<HandoverResult> {
    const result = await new PendingHandover(this, group, from, to, options).run();
    this.#counters.claimed += result.moved;
    return result;
  }

  /** `XGROUP DELCONSUMER`; returns how many entries the consumer still had pending (now dropped from the PEL). */
  async deleteConsumer(group: string, consumer: string): Promise<number> {
    assertName(group, 'group');
    assertName(consumer, 'consumer');
    return Number(
      await redisCommand('XGROUP DELCONSUMER', () =>
        this.redis.call('XGROUP', 'DELCONSUMER', this.streamKey, group, consumer),
      ),
    );
  }

  /** `XGROUP DESTROY`; true when the group existed (false too when the stream does not). */
  async deleteGroup(group: string): Promise<boolean> {
    assertName(group, 'group');
    try {
      const destroyed = await redisCommand('XGROUP DESTROY', () =>
        this.redis.call('XGROUP', 'DESTROY', this.streamKey, group),
      );
      return Number(destroyed) === 1;
    } catch (error) {
      if (error instanceof GroupNotFoundError) return false;
      throw error;
    }
  }

  /**
   * `XRANGE`: history between two bounds, oldest first; moves no group cursor. At most `count` entries, 100
   * when not given (a plain `XRANGE - +` returns the whole stream); page on from the last ID with `(id`.
   */
  async replay(start = '-', end = '+', count = 100): Promise<StreamEntry[]> {
    assertRangeBound(start, 'start');
    assertRangeBound(end, 'end');
    assertInteger(count, 'count', 1);
    if (isBeyondIdSpace(start, end)) return [];
    return parseEntries(
      await redisCommand('XRANGE', () =>
        this.redis.call('XRANGE', this.streamKey, start, end, 'COUNT', count),
      ),
    );
  }

  /**
   * How many entries lie from `start` to `end` (XRANGE bounds), counted up to `cap`: read by a script, a
   * thousand a call, so only the count crosses the wire, and a long range never holds Redis up for long.
   * @example const unread = await stream.countEntries(`(${group.lastDeliveredId}`, '+', 10_000);
   */
  async countEntries(start: string, end: string, cap: number): Promise<number> {
    assertRangeBound(start, 'start');
    assertRangeBound(end, 'end');
    assertInteger(cap, 'cap', 1);
    const countPage = this.#script(COUNT_RANGE_COMMAND);
    return redisCommand('XRANGE (count)', () =>
      countRangePaged(
        (from, to, count) => countPage(this.streamKey, from, to, String(count)),
        start,
        end,
        cap,
      ),
    );
  }

  /**
   * The ID of the entry `skip` entries in from the oldest (or newest) end of the stream, 0 being that end's own
   * entry; `null` when the stream holds no more than `skip`. Walked by script, a thousand entries a call, so no
   * entry crosses the wire however large.
   * @example const firstKept = await stream.entryIdAt((await stream.length()) - 1_000, 'oldest'); // MAXLEN 1000's
   */
  async entryIdAt(skip: number, from: 'oldest' | 'newest'): Promise<string | null> {
    assertInteger(skip, 'skip', 0);
    if (from !== 'oldest' && from !== 'newest') {
      throw new StreamArgumentError(`from must be 'oldest' or 'newest', not ${show(from)}`);
    }
    const countPage = this.#script(COUNT_RANGE_COMMAND);
    return redisCommand(from === 'oldest' ? 'XRANGE (entry at)' : 'XREVRANGE (entry at)', () =>
      idAtOffset(
        (start, end, count, newestFirst) =>
          countPage(this.streamKey, start, end, String(count), ...(newestFirst ? ['rev'] : [])),
        skip,
        from,
      ),
    );
  }

  /**
   * How many entries can be appended now before this stream's `XADD MAXLEN ~` trims one that a group has not
   * read yet or holds pending, and which group is furthest behind; `null` when nothing limits appends (the
   * stream is uncapped, or has no groups). With `wanted`, counting stops once cheap bounds show that many
   * fit (see `StreamRoom`). Appends by others after it answers are theirs to account for.
   * @example
   *   const room = await stream.room(events.length);
   *   if (room !== null && room.room < events.length) console.log(`${room.group} is ${room.needed} behind`);
   */
  async room(wanted?: number): Promise<StreamRoom | null> {
    if (wanted !== undefined) assertInteger(wanted, 'wanted', 1);
    return measureRoom(this, wanted ?? Number.POSITIVE_INFINITY);
  }

  /** `XREVRANGE`: the newest `count` entries (at or before `end`, an ID or `(ID` for before it), newest first. */
  async tail(count = 10, end = '+'): Promise<StreamEntry[]> {
    assertInteger(count, 'count', 1);
    assertRangeBound(end, 'end');
    if (isBeyondIdSpace('-', end)) return [];
    return parseEntries(
      await redisCommand('XREVRANGE', () =>
        this.redis.call('XREVRANGE', this.streamKey, end, '-', 'COUNT', count),
      ),
    );
  }

  /**
   * The newest `count` entries after `id`, oldest first, and the stream's entries-added counter read in the same
   * step (`null` before Redis 7.0, or when the stream does not exist): for a reader that skips ahead to the
   * newest and must say how many it passed over (see `StreamTail`'s `paceMs`).
   */
  async newestAfter(
    id: string,
    count: number,
  ): Promise<{ entries: StreamEntry[]; entriesAdded: number | null }> {
    assertEntryId(id, 'id');
    assertInteger(count, 'count', 1);
    const newestAfter = this.#script(NEWEST_AFTER_COMMAND);
    const reply = await redisCommand('XREVRANGE (newest-after script)', () =>
      newestAfter(this.streamKey, id, String(count)),
    );
    const [added, entries] = reply as [number | null, unknown];
    return {
      entries: parseEntries(entries).reverse(),
      entriesAdded: typeof added === 'number' ? added : null,
    };
  }

  /**
   * `tail`, bounded: the newest `count` entries (at or before `end`), newest first, each cut to `bounds`, shortened
   * by a script in Redis so that only about what is returned crosses the wire, and stopping short within
   * `bounds.bytes` and `bounds.readBytes` (see `EntryBounds`). For a view read again and again, such as a dashboard's
   * newest entries.
   * @example
   *   const { entries, stoppedShort } = await stream.tailBounded(10, {
   *     fields: 100, chars: 1_000, bytes: 128 * 1024, readBytes: 1024 * 1024,
   *   });
   */
  async tailBounded(count: number, bounds: EntryBounds, end = '+'): Promise<BoundedRead<BoundedEntry>> {
    assertInteger(count, 'count', 1);
    assertEntryBounds(bounds);
    assertRangeBound(end, 'end');
    if (isBeyondIdSpace('-', end)) return { entries: [], stoppedShort: false };
    const read = this.#script(BOUNDED_READ_COMMAND);
    const start = { order: 'newest', bound: end, letters: false } as const;
    return readBounded(read, this.streamKey, start, count, bounds, (row, chars) => ({
      id: row.id,
      idMs: entryIdTime(row.id),
      ...rowFields(row, chars),
    }));
  }

  async length(): Promise<number> {
    return Number(await redisCommand('XLEN', () => this.redis.call('XLEN', this.streamKey)));
  }

  /**
   * `XTRIM MAXLEN [~] n`; returns how many entries were removed. Approximate unless `{ approx: false }`: with
   * `~` Redis frees only whole macro-nodes (100 entries by default), so a small stream may not shrink at all.
   * An approximate trim takes as many calls as it needs (see `#trim`).
   */
  async trimMaxlen(maxlen: number, options: TrimOptions = {}): Promise<number> {
    assertInteger(maxlen, 'maxlen', 0);
    return this.#trim('MAXLEN', String(maxlen), trimMode(options));
  }

  /**
   * `XTRIM MINID [~] id`: drops entries older than `id` (e.g. `${Date.now() - 86_400_000}-0` for 24 hours); as
   * many calls as it needs when approximate, as `trimMaxlen`.
   */
  async trimMinid(minId: string, options: TrimOptions = {}): Promise<number> {
    assertEntryId(minId, 'minId');
    return this.#trim('MINID', minId, trimMode(options));
  }

  /**
   * One XTRIM, or with `~` as many as it takes: Redis stops an approximate trim after 100 * stream-node-max-entries
   * entries (10,000 by default), which would leave most of a large trim undone, and a retention policy behind a
   * fast producer. Each call stays that short, so other clients run in between; it goes on until one removes
   * nothing, for at most TRIM_CALLS_MAX calls.
   */
  async #trim(strategy: 'MAXLEN' | 'MINID', threshold: string, mode: string[]): Promise<number> {
    let deleted = 0;
    for (let call = 0; call < TRIM_CALLS_MAX; call += 1) {
      const removed = Number(
        await redisCommand('XTRIM', () =>
          this.redis.call('XTRIM', this.streamKey, strategy, ...mode, threshold),
        ),
      );
      deleted += removed;
      if (mode.length === 0 || removed === 0) break;
    }
    return deleted;
  }

  /** `XINFO STREAM`, or `null` when the stream does not exist. */
  async infoStream(): Promise<StreamInfo | null> {
    try {
      return parseStreamInfo(await this.redis.call('XINFO', 'STREAM', this.streamKey));
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw wrapRedisError('XINFO STREAM', error);
    }
  }

  /**
   * `infoStream` without the first and last entries, only their IDs: a script leaves the entries in Redis, which
   * XINFO STREAM sends whole. For a view that asks again and again, where another application's megabyte entries
   * would be two megabytes a look. `null` when the stream does not exist.
   */
  async infoStreamSummary(): Promise<StreamSummary | null> {
    const summary = this.#script(STREAM_SUMMARY_COMMAND);
    try {
      return parseStreamSummary(await summary(this.streamKey));
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw wrapRedisError('XINFO STREAM', error);
    }
  }

  /** `XINFO GROUPS`; empty when the stream does not exist. */
  async infoGroups(): Promise<GroupInfo[]> {
    try {
      return parseGroups(await this.redis.call('XINFO', 'GROUPS', this.streamKey));
    } catch (error) {
      if (isNoSuchKey(error)) return [];
      throw wrapRedisError('XINFO GROUPS', error);
    }
  }

  /** `XINFO CONSUMERS`. */
  async infoConsumers(group: string): Promise<ConsumerInfo[]> {
    assertName(group, 'group');
    try {
      return parseConsumers(await this.redis.call('XINFO', 'CONSUMERS', this.streamKey, group));
    } catch (error) {
      // No stream, so no group: the same answer as a stream without that group.
      if (isNoSuchKey(error)) {
        throw new GroupNotFoundError(`XINFO CONSUMERS: no stream ${this.streamKey}, so no group ${group}`, {
          cause: error,
        });
      }
      throw wrapRedisError('XINFO CONSUMERS', error);
    }
  }

  /** `XPENDING key group`: count, ID range and per-consumer counts. */
  async pendingSummary(group: string): Promise<PendingSummary> {
    assertName(group, 'group');
    return parsePendingSummary(
      await redisCommand('XPENDING', () => this.redis.call('XPENDING', this.streamKey, group)),
    );
  }

  /** `XPENDING key group [IDLE ms] start end count [consumer]`: one row per pending entry. */
  async pendingDetail(group: string, options: PendingDetailOptions = {}): Promise<PendingEntry[]> {
    assertOptions(options, 'pendingDetail options', PENDING_DETAIL_OPTIONS);
    const { start = '-', end = '+', count = 100, consumer, minIdleMs } = options;
    assertName(group, 'group');
    assertRangeBound(start, 'start');
    assertRangeBound(end, 'end');
    assertInteger(count, 'count', 1);
    if (consumer !== undefined) assertName(consumer, 'consumer');
    if (minIdleMs !== undefined) assertInteger(minIdleMs, 'minIdleMs', 0);
    if (isBeyondIdSpace(start, end)) return [];
    const idle = minIdleMs === undefined ? [] : ['IDLE', minIdleMs];
    const owner = consumer === undefined ? [] : [consumer];
    return parsePendingDetail(
      await redisCommand('XPENDING', () =>
        this.redis.call('XPENDING', this.streamKey, group, ...idle, start, end, count, ...owner),
      ),
    );
  }

  /**
   * Where entry `id` stands in each group of the stream (up to `maxGroups` of them), all read in one step: pending at
   * a consumer (with its idle time and delivery count), done (at or before the group's cursor and not pending), or
   * unread (after the cursor). It answers "who holds this entry?" for any entry, whichever process read it.
   *
   * @example
   *   const { places } = await stream.entryPlaces('1712345678901-0');
   *   for (const place of places) if (place.state === 'pending') console.log(place.group, place.consumer);
   */
  async entryPlaces(id: string, options: { readonly maxGroups?: number } = {}): Promise<EntryPlaces> {
    assertOptions(options, 'entryPlaces options', ['maxGroups']);
    const { maxGroups = 100 } = options;
    assertEntryId(id, 'id');
    assertInteger(maxGroups, 'maxGroups', 1);
    const whole = fullEntryId(id);
    const entryPlaces = this.#script(ENTRY_PLACES_COMMAND);
    const reply = await redisCommand('XPENDING', () => entryPlaces(this.streamKey, whole, String(maxGroups)));
    return parseEntryPlaces(reply, whole);
  }

  /**
   * The entries holding `value` in field `field`, newest first, from `before` (an ID, excluded) or the newest on: how
   * to find an order's entry by its `order_id` when its stream ID is not known. One script reads up to `readMax`
   * entries and `readBytes` of them (each whole, as Redis must), stopping once `max` match; `stoppedAt` is the last
   * ID it read when it stopped before the stream's oldest entry, to search on from. Each type is cut at `typeChars`.
   * @example
   *   const { matches, stoppedAt } = await stream.findByField('order_id', 'o-1234');
   */
  async findByField(field: string, value: string, options: FindByFieldOptions = {}): Promise<FoundEntries> {
    assertOptions(options, 'findByField options', FIND_BY_FIELD_OPTIONS);
    const { before, readMax = 500, readBytes = 2 * 1024 * 1024, max = 20, typeChars = 200 } = options;
    assertName(field, 'field');
    if (typeof value !== 'string')
      throw new StreamArgumentError(`value must be a string, got ${show(value)}`);
    if (before !== undefined) assertEntryId(before, 'before');
    assertInteger(readMax, 'readMax', 1);
    assertInteger(readBytes, 'readBytes', 1);
    assertInteger(max, 'max', 1);
    assertInteger(typeChars, 'typeChars', 1);
    const end = before === undefined ? '+' : `(${fullEntryId(before)}`;
    if (isBeyondIdSpace('-', end)) return { matches: [], read: 0, stoppedAt: null };
    const find = this.#script(FIND_BY_FIELD_COMMAND);
    const reply = await redisCommand('XREVRANGE', () =>
      find(
        this.streamKey,
        field,
        value,
        end,
        String(readMax),
        String(max),
        String(typeChars),
        String(readBytes),
      ),
    );
    return parseFoundEntries(reply, (type, shortened) => cutText(type, typeChars, shortened));
  }

  /** Deletes the stream key with all its groups; true when it existed. */
  async deleteStream(): Promise<boolean> {
    return Number(await redisCommand('DEL', () => this.redis.call('DEL', this.streamKey))) === 1;
  }

  /** Counters of this process: entries appended, acked and claimed through this stream (and its views). */
  stats(): StreamStats {
    return { ...this.#counters };
  }

  /** Closes the connection when this stream opened it from a URL; a shared connection is left alone. */
  async close(): Promise<void> {
    await releaseConnection(this.#connection);
  }
}

function assertIds(ids: readonly string[]): void {
  if (!Array.isArray(ids)) throw new StreamArgumentError('ids must be an array of stream IDs');
  for (const id of ids) assertEntryId(id, 'every id');
}

/** The most XTRIM calls one approximate trim makes: 10 million entries at Redis's defaults. */
const TRIM_CALLS_MAX = 1_000;

/** XTRIM's `~` when the trim is approximate (the default), checked. */
function trimMode(options: TrimOptions): string[] {
  assertOptions(options, 'trim options', TRIM_OPTIONS);
  const { approx = true } = options;
  assertBoolean(approx, 'approx');
  return approx ? ['~'] : [];
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof Error && /no such key/i.test(error.message);
}
