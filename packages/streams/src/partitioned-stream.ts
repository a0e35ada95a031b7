import calculateSlot from 'cluster-key-slot';
import { assertBoolean, assertInteger, assertName, assertOptions, optionNames } from './arguments.js';
import { type HeldConnection, holdConnection, releaseConnection } from './connection.js';
import { ConsumerWorker } from './consumer-worker.js';
import { CONSUMER_WORKER_OPTIONS, type ConsumerWorkerOptions } from './consumer-worker-options.js';
import { DeadLetters } from './dead-letters.js';
import { ProduceStoppedError, StreamArgumentError, StreamError } from './errors.js';
import { atIndex, encodeBatchEvent } from './event-encoding.js';
import { EventStream } from './event-stream.js';
import { type EventStreamOptions, resolveStreamSettings } from './event-stream-options.js';
import { show } from './stream-ids.js';
import type { EventInput, EventPayload, StreamStats } from './types.js';

/** Far more than any one Redis needs; a guard against a typo that would open a million keys. */
export const MAX_PARTITIONS = 1024;

export interface PartitionedStreamOptions extends Omit<EventStreamOptions, 'streamKey'> {
  /** Partition `p` lives at `<baseKey>:{p}`. */
  readonly baseKey: string;
  /**
   * A count (partitions `0`..`n-1`; an event goes to the one its key hashes to) or the partitions' names,
   * one per tenant say (an event's key is the name of its partition).
   */
  readonly partitions: number | readonly string[];
}

const PARTITIONED_STREAM_OPTIONS = optionNames<PartitionedStreamOptions>({
  connection: true,
  baseKey: true,
  partitions: true,
  maxlenApprox: true,
  claimMinIdleMs: true,
});

const KEYED_EVENT_KEYS = ['key', 'type', 'payload'];

/** An event and the key that picks its partition: an entity ID (order, customer) or a tenant name. */
export interface KeyedEventInput extends EventInput {
  readonly key: string;
}

/** Where an event was appended. */
export interface PartitionedId {
  readonly partition: string;
  readonly streamKey: string;
  readonly id: string;
}

/**
 * `PartitionedStream.produceBatch` failed in some partitions: the events that went in elsewhere (or in the chunks
 * of a failed partition's batch that answered) are in `landed`, each in its event's place, and counted as produced;
 * `null` marks one to send again, knowing that unanswered ones may have gone in (see `ProduceStoppedError`).
 * `failures` names each partition that failed and why; `cause` is the first of them.
 */
export class PartitionedProduceError extends StreamError {
  readonly landed: readonly (PartitionedId | null)[];
  readonly failures: readonly { readonly partition: string; readonly error: Error }[];

  constructor(
    message: string,
    landed: readonly (PartitionedId | null)[],
    failures: readonly { readonly partition: string; readonly error: Error }[],
  ) {
    super(message, { cause: failures[0]?.error });
    this.landed = landed;
    this.failures = failures;
  }
}

/**
 * One logical stream split over several stream keys, as the seed's "Partition by tenant or entity for
 * scale" describes: one key is one shard on Redis Cluster, so a stream that outgrows a shard is split. Every
 * event with the same key lands on the same partition, so each entity's events stay in order.
 *
 * Each partition's name is a hash tag (`orders:{3}`, `orders:{tenant_a}`): the partition, its dead-letter
 * stream (`orders:{3}:dlq`) and its idempotency guards hash to one slot, which the library's scripts need.
 * Consume with one worker per partition (`workers`), each on its own connection.
 */
export class PartitionedStream {
  readonly baseKey: string;
  readonly names: readonly string[];
  /** One `EventStream` per partition, in `names` order, sharing one non-blocking connection. */
  readonly streams: readonly EventStream[];
  readonly #byName: ReadonlyMap<string, number> | null;
  readonly #connection: HeldConnection;

  constructor(options: PartitionedStreamOptions) {
    assertOptions(options, 'PartitionedStream options', PARTITIONED_STREAM_OPTIONS);
    const { baseKey, partitions, connection } = options;
    assertName(baseKey, 'baseKey');
    // A brace in the base would make it (or part of it) the hash tag: every partition in one slot.
    if (/[{}]/.test(baseKey))
      throw new StreamArgumentError(`baseKey ${show(baseKey)} must not contain { or }`);
    const hashed = typeof partitions === 'number';
    this.names = hashed ? countedNames(partitions) : namedPartitions(partitions);
    this.#byName = hashed ? null : new Map(this.names.map((name, index) => [name, index]));
    this.baseKey = baseKey;
    // Everything is checked before a connection is opened: a bad option leaves nothing behind.
    const settings = resolveStreamSettings(options);
    this.#connection = holdConnection(connection);
    const { redis } = this.#connection;
    this.streams = this.names.map(
      (name) => new EventStream({ ...settings, connection: redis, streamKey: partitionKey(baseKey, name) }),
    );
  }

  /** The index (into `names` and `streams`) of the partition an event with this key belongs to. */
  partitionOf(key: string): number {
    assertName(key, 'partition key');
    if (this.#byName === null) return calculateSlot(key) % this.names.length;
    const index = this.#byName.get(key);
    if (index === undefined) {
      throw new StreamArgumentError(
        `no partition is named ${show(key)}; the partitions are ${this.names.join(', ')}`,
      );
    }
    return index;
  }

  /** The partition's stream for this key. */
  streamFor(key: string): EventStream {
    return this.#stream(this.partitionOf(key));
  }

  async produce(key: string, type: string, payload: EventPayload = {}): Promise<PartitionedId> {
    const index = this.partitionOf(key);
    const stream = this.#stream(index);
    return {
      partition: this.#name(index),
      streamKey: stream.streamKey,
      id: await stream.produce(type, payload),
    };
  }

  /**
   * Appends each event to its key's partition: one `produceBatch` per partition, all at once. Returns where
   * each landed, in input order. Every event is checked first, so a bad one appends nothing anywhere; a
   * Redis failure can leave some partitions appended and not others (each partition's batch is its own): it
   * waits for every partition's answer, then throws `PartitionedProduceError` saying where each event went
   * in, or, when none did, the first failure itself.
   */
  async produceBatch(events: readonly KeyedEventInput[]): Promise<PartitionedId[]> {
    if (!Array.isArray(events))
      throw new StreamArgumentError('events must be an array of { key, type, payload }');
    // Array.from, not map: a hole in a sparse array is checked (and refused) like any other element.
    const indexes = Array.from(events, (event: unknown, index) => {
      encodeBatchEvent(event, index, KEYED_EVENT_KEYS);
      return atIndex(index, () => this.partitionOf((event as Partial<KeyedEventInput>).key as string));
    });
    // Each partition's stream is given each event's type and payload: its key has picked the partition.
    const shares = this.names.map(() => [] as { position: number; event: KeyedEventInput }[]);
    indexes.forEach((index, position) => {
      shares[index]?.push({ position, event: events[position] as KeyedEventInput });
    });
    const landed: (PartitionedId | null)[] = new Array(events.length).fill(null);
    const failures: { partition: string; error: Error }[] = [];
    await Promise.all(
      shares.map(async (share, index) => {
        if (share.length === 0) return;
        const stream = this.#stream(index);
        const partition = this.#name(index);
        let ids: readonly (string | null)[];
        try {
          ids = await stream.produceBatch(
            share.map(({ event: { type, payload } }) =>
              payload === undefined ? { type } : { type, payload },
            ),
          );
        } catch (error) {
          failures.push({ partition, error: error instanceof Error ? error : new Error(String(error)) });
          // Part of the partition's batch may have gone in all the same.
          if (!(error instanceof ProduceStoppedError)) return;
          ids = error.landed;
        }
        share.forEach(({ position }, at) => {
          const id = ids[at];
          if (id) landed[position] = { partition, streamKey: stream.streamKey, id };
        });
      }),
    );
    const [first] = failures;
    if (first === undefined) return landed as PartitionedId[];
    const appended = landed.filter((id) => id !== null).length;
    if (appended === 0) throw first.error;
    const where = failures.map(({ partition }) => partition).join(', ');
    throw new PartitionedProduceError(
      `XADD batch failed in partition(s) ${where}: ${first.error.message} (after appending ${appended} of the batch's ${events.length} events)`,
      landed,
      failures,
    );
  }

  /** Creates the group on every partition (and any missing partition stream). */
  async ensureGroup(group: string, startId = '$'): Promise<void> {
    await Promise.all(this.streams.map((stream) => stream.ensureGroup(group, startId)));
  }

  /**
   * One worker per partition for this consumer of the group, not started. Each reads on a connection of its
   * own; the handler's context names the partition's `streamKey`. With `deadLetters: true` each partition's
   * worker gets that partition's dead-letter stream (`<partition key>:dlq`, in the partition's slot). A
   * deployment that runs a share of the partitions per pod starts only the workers it owns.
   */
  workers(
    group: string,
    consumer: string,
    options: Omit<ConsumerWorkerOptions, 'deadLetters'> & { readonly deadLetters?: boolean } = {},
  ): ConsumerWorker[] {
    assertOptions(options, 'workers options', CONSUMER_WORKER_OPTIONS);
    const { deadLetters = false, ...shared } = options;
    // A DeadLetters instance here would serve one partition only: each partition gets its own.
    assertBoolean(deadLetters, "deadLetters (true for each partition's own dead-letter stream)");
    return this.streams.map(
      (stream) =>
        new ConsumerWorker(stream, group, consumer, {
          ...shared,
          deadLetters: deadLetters ? new DeadLetters(stream) : null,
        }),
    );
  }

  /** Entries across all partitions. */
  async length(): Promise<number> {
    const lengths = await Promise.all(this.streams.map((stream) => stream.length()));
    return lengths.reduce((sum, length) => sum + length, 0);
  }

  /** This process's counters, summed over the partitions. */
  stats(): StreamStats {
    const total = { produced: 0, acked: 0, claimed: 0 };
    for (const stream of this.streams) {
      const { produced, acked, claimed } = stream.stats();
      total.produced += produced;
      total.acked += acked;
      total.claimed += claimed;
    }
    return total;
  }

  /** Deletes every partition stream. */
  async deleteStreams(): Promise<void> {
    await Promise.all(this.streams.map((stream) => stream.deleteStream()));
  }

  /** Closes the connection when it was opened from a URL; a shared connection is left alone. */
  async close(): Promise<void> {
    await releaseConnection(this.#connection);
  }

  #stream(index: number): EventStream {
    return this.streams[index] as EventStream;
  }

  #name(index: number): string {
    return this.names[index] as string;
  }
}

/** A partition's stream key: its name in braces, a Redis Cluster hash tag. */
export function partitionKey(baseKey: string, partition: string): string {
  return `${baseKey}:{${partition}}`;
}

function countedNames(count: number): string[] {
  assertInteger(count, 'partitions', 1);
  if (count > MAX_PARTITIONS) {
    throw new StreamArgumentError(`partitions must be at most ${MAX_PARTITIONS}, got ${count}`);
  }
  return Array.from({ length: count }, (_, index) => String(index));
}

function namedPartitions(names: readonly string[]): string[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw new StreamArgumentError(
      `partitions must be a count or a non-empty array of names, got ${show(names)}`,
    );
  }
  if (names.length > MAX_PARTITIONS) {
    throw new StreamArgumentError(`partitions must be at most ${MAX_PARTITIONS}, got ${names.length}`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    assertName(name, 'partition name');
    // A brace would end the hash tag early: partitions would share slots with other keys, or split from their DLQ.
    if (/[{}]/.test(name))
      throw new StreamArgumentError(`partition name ${show(name)} must not contain { or }`);
    if (seen.has(name)) throw new StreamArgumentError(`partition name ${show(name)} is given twice`);
    seen.add(name);
  }
  return [...names];
}
