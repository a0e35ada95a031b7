import {
  type CommandResults,
  type EntryView,
  LIMITS,
  type LifecycleEventView,
  nameSchema,
  POISON_EVENT_TYPE,
} from '@streamscope/protocol';
import {
  ConsumerWorker,
  compareEntryIds,
  DeadLetters,
  type EntryHandler,
  EventStream,
  type GroupInfo,
  GroupNotFoundError,
  isEntryId,
  LAST_ENTRY_ID,
  type LifecycleEvent,
  type LifecycleKind,
  ProcessedIds,
  ProduceStoppedError,
  REQUEUED_FROM_FIELD,
  type RequeueResult,
  RequeueStoppedError,
  type RequeueThroughResult,
  type StreamTail,
  type TrimmedLetter,
} from '@streamscope/streams';
import { Mutex, Semaphore } from 'async-mutex';
import type { Redis } from 'ioredis';
import { boundedEntry, boundedText, boundedType } from '../live/bounded-view.js';
import { ConnectedConsumers } from '../live/connected-consumers.js';
import { EntryHistory, isTrouble } from '../live/entry-history.js';
import { TickBuffer } from '../live/tick-buffer.js';
import { CommandError, isRedisUnavailable, shuttingDown } from './command-error.js';
import { ACTIVE_WITHIN_MS, consumerInRedis, consumersInRedis, seemsActive } from './consumer-activity.js';
import { ConsumerPool, type StoppedConsumer, standingOf } from './consumer-pool.js';
import { ContinuousProducer } from './continuous-producer.js';
import { fakeOrders } from './fake-orders.js';
import { OperatorControls } from './operator-controls.js';
import { RetentionPolicy } from './retention-policy.js';

/** A group this process runs, and its consumers' names. */
export interface GroupSeed {
  readonly group: string;
  readonly consumers: readonly string[];
}

/** The demo's starting shape, as the seed describes it: both groups read the whole stream from 0-0. */
export const DEMO_SEEDS: readonly GroupSeed[] = [
  { group: 'notifications', consumers: ['worker-a', 'worker-b'] },
  { group: 'analytics', consumers: ['worker-c'] },
];

export interface PipelineOptions {
  /** Shared non-blocking connection; every worker duplicates it for its own blocking reads. */
  readonly redis: Redis;
  readonly streamKey: string;
  readonly maxlen: number;
  readonly claimMinIdleMs: number;
  readonly processLatencyMs: number;
  /**
   * Entries per XREADGROUP of each worker (the library's 10 when absent): small batches split a burst visibly
   * between a group's consumers, large ones cost fewer round trips per entry.
   */
  readonly readCount?: number;
  /** The dead-letter stream; `<streamKey>:dlq` by default. */
  readonly deadLetterKey?: string;
  /** Its `MAXLEN ~` cap; the library's default (10,000) when absent. */
  readonly deadLetterMaxlen?: number;
  readonly maxDeliveries?: number;
  /** The auto-reaper's interval, for groups where it is switched on. */
  readonly reapIntervalMs?: number;
  readonly seeds?: readonly GroupSeed[];
  /**
   * Whether the operator named the seeds (`--seed`), rather than the demo's being taken by default. Only named
   * seeds join a group that was already on the stream without Streamscope having created it: the demo's
   * workers would otherwise take another application's entries and ack them with the demo handler.
   */
  readonly seedsNamed?: boolean;
  /**
   * How long, in all, a requeue-all waits for the groups to make room in the stream before it stops with the
   * rest left in the DLQ (see `DeadLetters.requeueThrough`); the library's 5 s when absent, well inside the
   * dashboard's 15 s wait for an answer.
   */
  readonly requeueRoomWaitMs?: number;
  /** Failures of background work (the continuous producer, the retention policy); both keep trying. */
  readonly onBackgroundError?: (what: string, error: unknown) => void;
}

/** One consumer, by group and name. */
interface ConsumerRef {
  readonly group: string;
  readonly name: string;
}

/** What a start (or re-seed) started: `consumers` in all, `restored` of them not seeds but found in Redis. */
export interface SeedResult {
  readonly groups: number;
  readonly consumers: number;
  readonly restored: number;
}

/**
 * Which consumers besides the seeds to start again, of those Redis still has: none (the stream was just
 * deleted), every one of the seed groups (a start without reset), or the ones named (a reset cut off before
 * its DEL; see `#seed`).
 */
type Restore =
  | 'none'
  | { readonly seedGroups: true; readonly ours: ReadonlySet<string> }
  | readonly ConsumerRef[];

/**
 * A start refused before it changed anything in Redis, as what it found there is not what the options say it
 * is (another client's key or group); the message says what to change.
 */
export class StartRefusedError extends Error {
  override readonly name = 'StartRefusedError';
}

/**
 * Which saved choices to write as they stand now (see `#save`): these consumers' pauses, these groups'
 * auto-reapers, the retention policy.
 */
interface ControlsChanged {
  readonly consumers?: readonly ConsumerRef[];
  readonly groups?: readonly string[];
  readonly retention?: boolean;
  /** Groups deleted through this server: no longer noted as Streamscope's. */
  readonly deletedGroups?: readonly string[];
}

/** The first wait before saving again choices whose save failed, and the longest (see `#resaveDelayMs`). */
const RESAVE_FIRST_MS = 1_000;
const RESAVE_MAX_MS = 30_000;

/**
 * How often a process reads the saved choices, to follow what another process on the stream changed in them (see
 * `#follow`).
 */
const FOLLOW_INTERVAL_MS = 1_000;

/** How many names a message lists before it says only how many more there are. */
const NAMES_LISTED = 10;

/** Per-group running totals, from which the snapshot computes rates. */
export interface GroupCounters {
  delivered: number;
  acked: number;
  duplicates: number;
  deadLettered: number;
}

/**
 * Appends out at once; more wait their turn, holding only their request, not the events, which are made once
 * a slot is free (a flood of 10,000-event requests would otherwise hold millions of events). A reset takes
 * every slot.
 */
const APPEND_SLOTS = 8;

const WORKER_EVENTS: readonly LifecycleKind[] = [
  'delivered',
  'acked',
  'dropped',
  'failed',
  'claimed',
  'deleted',
  'dead-lettered',
];

/**
 * The demo pipeline: one stream, its consumer groups and workers, a producer, the dead-letter stream, and
 * the memory of what happened to each entry. Everything the API can do goes through here.
 */
export class Pipeline {
  readonly stream: EventStream;
  readonly deadLetters: DeadLetters;
  readonly pool: ConsumerPool;
  readonly producer: ContinuousProducer;
  readonly retention: RetentionPolicy;
  readonly history = new EntryHistory();
  readonly feed = new TickBuffer<LifecycleEventView>(LIMITS.feedPerTick, isTrouble);
  /**
   * What the read-only tail saw since the last tick: the newest 100, within 128 KB as sent (another application's
   * entries of 100 fields of 1,000 characters are 200 KB each, bounded: 100 of them made a 20 MB tick), the rest
   * counted.
   */
  readonly tailFeed = new TickBuffer<EntryView>(100, undefined, {
    bytesPerTick: 128 * 1024,
    bytesOf: (entry) => Buffer.byteLength(JSON.stringify(entry)),
  });
  readonly groupCounters = new Map<string, GroupCounters>();
  readonly options: PipelineOptions & { maxDeliveries: number; reapIntervalMs: number };
  readonly #autoReap = new Set<string>();
  /**
   * Pauses, auto-reap switches and the retention policy, kept in Redis for a restart without reset (see
   * `OperatorControls`).
   */
  readonly #controls: OperatorControls;
  /** Choices whose save failed (Redis away), saved again as they then stand once it answers (see `#save`). */
  readonly #unsavedConsumers = new Map<string, ConsumerRef>();
  readonly #unsavedGroups = new Set<string>();
  #unsavedRetention = false;
  #resaveScheduled = false;
  /**
   * The wait before the next resave: a second, doubled after each one that fails, up to half a minute. A key
   * another client made of another type fails every save until someone deletes it; each second's retry and
   * its log line would go on for as long.
   */
  #resaveDelayMs = RESAVE_FIRST_MS;
  /**
   * Counts the choices made here (and resets), each as it is made: a read of the saved choices sent before one
   * may not hold it yet, so `#follow` drops it rather than undo the choice.
   */
  #choicesMade = 0;
  #followTimer: NodeJS.Timeout | undefined;
  #following = false;
  /** Resets and consumer adds and removals, one at a time (see `reset`). */
  readonly #membership = new Mutex();
  #closed = false;
  /** Groups being re-created after someone else deleted them under running workers. */
  readonly #recreating = new Set<string>();
  /**
   * Per re-created group, the stream's last ID when it was re-created: its new cursor starts at 0-0, so `>`
   * reads through that ID deliver entries the old group may have processed, and the guard must be asked.
   */
  readonly #redeliveredThrough = new Map<string, string>();
  readonly #processed = new Map<string, ProcessedIds>();
  #baseline = { produced: 0, acked: 0, claimed: 0, deadLettered: 0 };
  /**
   * Appends (produce, the continuous producer, requeue) hold one slot each (at most `APPEND_SLOTS` out at
   * once); a reset holds them all, so it waits for appends already out and later ones wait for it. An append
   * racing a reset's DEL would otherwise land in the new stream uncounted, or be counted and deleted. The
   * semaphore is fair: a waiting reset is not starved by appends that come after it.
   */
  readonly #appendGate = new Semaphore(APPEND_SLOTS);
  /**
   * Requeue-alls, one at a time. Each holds an append slot for its whole run, often seconds: a few at once
   * (pages, scripts) would hold every slot and stall produce and the continuous producer until they finished,
   * while the later ones find the letters the first already took.
   */
  readonly #requeueAll = new Mutex();
  /**
   * Aborted by `close`: a requeue-all waiting for the groups to make room would otherwise hold its append slot,
   * and its client, for the rest of its wait while the workers it waits for are stopping.
   */
  readonly #closing = new AbortController();
  /** Dead letters put back on the stream: produced, though not by `stream`. */
  #requeued = 0;
  #tail: StreamTail | undefined;
  #tailWatched = false;
  readonly #observers: ((event: LifecycleEventView) => void)[] = [];

  constructor(options: PipelineOptions) {
    this.options = { maxDeliveries: 5, reapIntervalMs: 1_000, ...options };
    this.stream = new EventStream({
      connection: options.redis,
      streamKey: options.streamKey,
      maxlenApprox: options.maxlen,
      claimMinIdleMs: options.claimMinIdleMs,
    });
    this.deadLetters = new DeadLetters(
      this.stream,
      options.deadLetterKey,
      options.deadLetterMaxlen === undefined ? {} : { maxlenApprox: options.deadLetterMaxlen },
    );
    this.pool = new ConsumerPool(
      this.stream,
      (group, name) => this.#makeWorker(group, name),
      this.deadLetters,
    );
    const onError = options.onBackgroundError ?? (() => {});
    this.producer = new ContinuousProducer(
      (events) => this.#append(() => events),
      fakeOrders,
      (error) => onError('producer', error),
    );
    this.retention = new RetentionPolicy(this.stream, (error) => onError('retention', error));
    this.#controls = new OperatorControls(options.redis, options.streamKey);
  }

  /**
   * Deletes the stream (and its DLQ) first when `reset`, then creates the seed groups and starts them. Without
   * reset it also starts every other consumer Redis still has in those groups: one added through the API
   * before a restart may hold pending entries that no one would process otherwise (see `#seed`).
   */
  async start({ reset }: { reset: boolean }): Promise<SeedResult> {
    if (!reset) {
      await this.#refuseAnotherType();
      // The operator's pauses and auto-reapers come back with the consumers: a consumer paused during an
      // incident starts paused (before its first read), not processing again by itself. Only this process's
      // groups and consumers take them; another process's are that process's to bring back.
      const saved = await this.#controls.load();
      for (const line of saved.ignored) this.options.onBackgroundError?.('controls', line);
      const standing = new Set((await this.stream.infoGroups()).map((group) => group.name));
      await this.#refuseForeignSeedGroups(saved.groups, standing);
      // An auto-reap switch is the group's, whichever process's workers read it (see `#follow`), and the retention
      // policy the stream's. The policy comes back before the seeding, so its first XTRIM leaves on the shared
      // connection ahead of the groups' creation and no worker is handed an entry older than the operator asked
      // to keep.
      for (const group of saved.autoReap) this.#autoReap.add(group);
      if (saved.retentionMaxAgeMs !== null) this.retention.set(saved.retentionMaxAgeMs);
      // Ours: consumers Streamscope ran, as it saved them (a paused one was ours too, whatever version saved it).
      const ours = new Set(
        [...saved.consumers, ...saved.paused].map(({ group, name }) => refKey(group, name)),
      );
      const seeded = await this.#seed(
        { seedGroups: true, ours },
        new Set(saved.paused.map(({ group, name }) => refKey(group, name))),
        this.#deletedSeeds(saved.deleted, standing),
      );
      this.#startFollowing();
      return seeded;
    }
    await this.#deleteData();
    const seeded = await this.#seed('none');
    this.#startFollowing();
    return seeded;
  }

  #startFollowing(): void {
    if (this.#closed || this.#followTimer) return;
    this.#followTimer = setInterval(() => void this.#follow(), FOLLOW_INTERVAL_MS);
    this.#followTimer.unref();
  }

  /**
   * Another Streamscope process on the stream (a second terminal, a dashboard per team) saves its choices in the
   * same hash. The retention policy is the stream's and an auto-reap switch its group's, so each process takes up
   * what is saved, within a second: set or stopped from any dashboard, they are set or stopped in every process,
   * and every dashboard shows them as they stand. A pause is its consumer's, in the one process that runs it:
   * this one notes its own consumers, and their pauses, again when they are missing (a reset elsewhere deleted
   * them), so a restart without reset takes them back as it left them. A choice made here whose save has not
   * landed (Redis away, or the write still on its way) is not undone by a read that predates it; a saved policy
   * that is not valid, or a key of another type (another client's), leaves things here as they are.
   */
  async #follow(): Promise<void> {
    if (this.#following || this.#closed) return;
    this.#following = true;
    try {
      // The groups any page shows, and those with a switch here: a group only another process reads is shown too.
      const onStream = (await this.stream.infoGroups()).map((info) => info.name);
      const groups = [...new Set([...onStream, ...this.pool.groups(), ...this.#autoReap])];
      const made = this.#choicesMade;
      const workers = this.pool.running();
      const saved = await this.#controls.readFor(groups, workers);
      if (this.#closed || made !== this.#choicesMade) return;
      if (saved.retentionMaxAgeMs !== undefined) this.#followRetention(saved.retentionMaxAgeMs);
      this.#followAutoReap(groups, saved.autoReap);
      const unnoted = workers.filter((worker) => {
        const key = refKey(worker.group, worker.name);
        return (
          this.pool.find(worker.group, worker.name) === worker &&
          (!saved.owned.has(key) || saved.paused.has(key) !== worker.status().paused)
        );
      });
      if (unnoted.length > 0) await this.#saveQuietly({ consumers: unnoted });
    } catch {
      // Redis away: the next turn reads again.
    } finally {
      this.#following = false;
    }
  }

  #followRetention(saved: number | null): void {
    if (this.#unsavedRetention || saved === this.retention.maxAgeMs) return;
    this.retention.set(saved);
    this.options.onBackgroundError?.(
      'controls',
      `${saved === null ? 'stopped the retention policy' : `trimming entries older than ${saved} ms`}, as ${this.#controls.key} now says (another process on the stream changed it, or a reset deleted it)`,
    );
  }

  #followAutoReap(groups: readonly string[], saved: ReadonlySet<string>): void {
    for (const group of groups) {
      const enabled = saved.has(group);
      if (this.#unsavedGroups.has(group) || enabled === this.#autoReap.has(group)) continue;
      if (enabled) this.#autoReap.add(group);
      else this.#autoReap.delete(group);
      const workers = this.pool.workers().filter((worker) => worker.group === group);
      for (const worker of workers) worker.setAutoReap(enabled ? this.options.reapIntervalMs : null);
      if (workers.length === 0) continue;
      this.options.onBackgroundError?.(
        'controls',
        `auto-reap ${enabled ? 'on' : 'off'} for ${group}, as ${this.#controls.key} now says (another process on the stream changed it, or a reset deleted it)`,
      );
    }
  }

  /**
   * A stream key, or a dead-letter key, that holds a string, a hash or anything else but a stream: nothing here
   * could work on it (every snapshot would fail with Redis's WRONGTYPE, freezing the page, and every dead-letter
   * command with it), and without a reset nothing may delete it.
   */
  async #refuseAnotherType(): Promise<void> {
    const [streamType, dlqType] = await Promise.all([
      this.stream.redis.type(this.stream.streamKey),
      this.stream.redis.type(this.deadLetters.key),
    ]);
    if (streamType !== 'stream' && streamType !== 'none') {
      throw new StartRefusedError(
        `the key ${JSON.stringify(this.stream.streamKey)} holds a ${streamType}, not a stream: point --stream-key at a stream (or at a key that does not exist yet), or start without --no-reset to delete it`,
      );
    }
    if (dlqType !== 'stream' && dlqType !== 'none') {
      throw new StartRefusedError(
        `the dead-letter key ${JSON.stringify(this.deadLetters.key)} holds a ${dlqType}, not a stream: name another with --dlq-key, or start without --no-reset to delete it`,
      );
    }
  }

  /**
   * The demo's seed groups (`notifications`, `analytics`) are common names: on a stream another application uses,
   * one may be that application's group, and the demo's workers would read its entries in competition with its
   * own consumers and ack them with the demo handler. Without `--seed` naming them, a seed group Streamscope did
   * not create refuses the start; named, the group is joined as asked, and the log says so.
   */
  async #refuseForeignSeedGroups(ours: ReadonlySet<string>, standing: ReadonlySet<string>): Promise<void> {
    const foreign = this.#seeds()
      .map((seed) => seed.group)
      .filter((group) => standing.has(group) && !ours.has(group));
    if (foreign.length === 0) return;
    const named = foreign.map((group) => JSON.stringify(group)).join(', ');
    if (!this.options.seedsNamed) {
      throw new StartRefusedError(
        `group(s) ${named} already on ${JSON.stringify(this.stream.streamKey)} were not created by Streamscope: the demo's default seed would run its workers in them, taking their entries from the consumers that read them and acking them with the demo handler. Start with --seed none to only watch, or with --seed naming the groups and consumers to run${await this.#upgradeHint(foreign)}`,
      );
    }
    this.options.onBackgroundError?.(
      'seed',
      `joining group(s) ${named}, which Streamscope did not create, as --seed asks: its workers share their entries with the consumers already reading them`,
    );
  }

  /**
   * With no `<stream key>:owned` at all, the stream may be one a Streamscope older than that note made: its groups
   * (and the consumers added through its API) are noted nowhere. Says how to note them, for whoever knows.
   */
  async #upgradeHint(groups: readonly string[]): Promise<string> {
    const ownedKey = this.#controls.ownedKey;
    if ((await this.stream.redis.exists(ownedKey)) > 0) return '';
    const field = (parts: string[]) => `'${JSON.stringify(parts)}' 1`;
    const seedNames = new Set(
      this.#seeds().flatMap((seed) => seed.consumers.map((name) => refKey(seed.group, name))),
    );
    const consumers: string[] = [];
    for (const group of groups) {
      for (const { name } of await consumersInRedis(this.stream, group)) {
        if (!seedNames.has(refKey(group, name))) consumers.push(field(['consumer', group, name]));
      }
    }
    const shown = consumers.slice(0, 10).join(' ');
    const more = consumers.length > 10 ? ` (and ${consumers.length - 10} more of that form)` : '';
    const also =
      consumers.length > 0
        ? `, adding ${shown}${more} for each consumer of theirs it ran (one added through its API), to have it restored`
        : '';
    return `. ${ownedKey}, where Streamscope notes its own groups and consumers, does not exist: if a Streamscope older than that note created these groups, note them as its own and start again: redis-cli HSET ${ownedKey} ${groups.map((group) => field(['group', group])).join(' ')}${also}`;
  }

  /**
   * Feeds the read-only tail (XREAD BLOCK) into the live view, while a page watches it (see `tailWatched`):
   * unwatched, it would read every entry appended, at the stream's full rate, for no one.
   */
  attachTail(tail: StreamTail): void {
    this.#tail = tail;
    tail.on('entries', (entries) => {
      for (const entry of entries) this.tailFeed.push(boundedEntry(entry));
    });
    // A paced tail passes over what it has no time to show; Redis 7 says how many (before it, none are counted).
    tail.on('skipped', (count) => this.tailFeed.omit(count ?? 0));
    tail.on('error', () => {});
    if (!this.#tailWatched) tail.pause();
    tail.start();
  }

  /** Whether any page is watching: the tail reads only then, from the newest entry on when a page opens. */
  tailWatched(watched: boolean): void {
    this.#tailWatched = watched;
    if (watched) void this.#tail?.resume();
    else this.#tail?.pause();
  }

  async produce(count: number, eventType?: string): Promise<string[]> {
    return this.#append(() => fakeOrders(count, eventType));
  }

  /**
   * Puts a dead letter's event back on the stream; `null` when there is no such letter. The new entry is
   * produced like any other (counted, and its timeline says where it came from).
   */
  async requeue(letterId: string): Promise<string | null> {
    const requeued = await this.#appendGate.runExclusive(() => this.deadLetters.requeue(letterId));
    if (requeued === null) return null;
    this.#recordRequeued(requeued);
    return requeued.requeuedAs;
  }

  /**
   * Puts every dead letter up to and including `through` back on the stream, each recorded as `requeue`
   * records one. It holds one append slot throughout, so a reset waits for it rather than deleting the
   * stream between two of its letters, and only one runs at a time (see `#requeueAll`). Cut off by Redis
   * going away, it says how many went back before.
   */
  requeueThrough(through: string): Promise<RequeueThroughResult> {
    return this.#requeueAll.runExclusive(() => this.#requeueThroughAlone(through));
  }

  #requeueThroughAlone(through: string): Promise<RequeueThroughResult> {
    return this.#appendGate.runExclusive(async () => {
      const { requeueRoomWaitMs } = this.options;
      try {
        return await this.deadLetters.requeueThrough(through, {
          onRequeued: (requeued) => this.#recordRequeued(requeued),
          signal: this.#closing.signal,
          ...(requeueRoomWaitMs === undefined ? {} : { roomWaitMs: requeueRoomWaitMs }),
        });
      } catch (error) {
        if (!(error instanceof RequeueStoppedError)) throw error;
        if (error.cause === this.#closing.signal.reason) {
          const { requeued } = error;
          throw new CommandError(
            'unavailable',
            `the server is shutting down: ${requeued} dead letter(s) went back before it did, the rest stay`,
            { cause: error },
          );
        }
        // "Redis is unavailable" alone would have the user think nothing went back, when hundreds may have.
        if (!isRedisUnavailable(error)) throw error;
        const { requeued, unanswered } = error;
        if (requeued + unanswered === 0) throw error;
        const maybe = unanswered > 0 ? ` (and up to ${unanswered} more, whose replies were lost)` : '';
        throw new CommandError(
          'unavailable',
          `Redis went away part-way: ${requeued} dead letter(s) went back${maybe}, the rest stay; requeue all again once it is back`,
          { cause: error },
        );
      }
    });
  }

  /** A letter back on the stream: counted as produced, and both ends of the trail in the timelines. */
  #recordRequeued(requeued: RequeueResult): void {
    this.#requeued += 1;
    const ts = Date.now();
    // The original's timeline says where it went, the copy's where it came from. The original ID is read from
    // the dead-letter stream, which any client may write: one that is no entry ID (a megabyte, say) has no
    // timeline to go in, and is named in the copy's cut short.
    if (isEntryId(requeued.originalId)) {
      this.#record({
        kind: 'requeued',
        id: requeued.originalId,
        group: null,
        consumer: null,
        deliveryCount: null,
        eventType: requeued.eventType,
        reason: `as ${requeued.requeuedAs}`,
        ts,
      });
    }
    this.#recordProduced(
      requeued.requeuedAs,
      requeued.eventType,
      `requeued from the dead letter of ${boundedText(requeued.originalId)}`,
      ts,
    );
  }

  /** Totals since start or the last reset. */
  totals(): { produced: number; acked: number; claimed: number; deadLettered: number } {
    const now = this.#countsSinceStart();
    return {
      produced: now.produced - this.#baseline.produced,
      acked: now.acked - this.#baseline.acked,
      claimed: now.claimed - this.#baseline.claimed,
      deadLettered: now.deadLettered - this.#baseline.deadLettered,
    };
  }

  /** The running counts since this pipeline started; `totals()` subtracts those at the last reset. */
  #countsSinceStart(): { produced: number; acked: number; claimed: number; deadLettered: number } {
    const { produced, acked, claimed } = this.stream.stats();
    return { produced: produced + this.#requeued, acked, claimed, deadLettered: this.deadLetters.count };
  }

  /** Set once `close` has begun: the pipeline takes no more commands, as their work would outlive it. */
  get closed(): boolean {
    return this.#closed;
  }

  autoReapEnabled(group: string): boolean {
    return this.#autoReap.has(group);
  }

  /**
   * Switches the auto-reaper on or off for every worker of the group, present and future, and saves the
   * choice for a restart without reset (see `#save` for a save that fails).
   */
  async setAutoReap(group: string, enabled: boolean): Promise<number> {
    if (enabled) this.#autoReap.add(group);
    else this.#autoReap.delete(group);
    const interval = enabled ? this.options.reapIntervalMs : null;
    for (const worker of this.pool.workers()) if (worker.group === group) worker.setAutoReap(interval);
    await this.#save({ groups: [group] }, `auto-reap is ${enabled ? 'on' : 'off'} for ${group}`);
    return this.options.reapIntervalMs;
  }

  /**
   * Sets the standing retention policy (`null` stops it) and saves it for a restart without reset (see `#save`
   * for a save that fails): a restart that dropped it would let the stream keep what the operator asked to drop.
   */
  async setRetention(maxAgeMs: number | null): Promise<void> {
    this.retention.set(maxAgeMs);
    await this.#save(
      { retention: true },
      maxAgeMs === null
        ? 'the retention policy is stopped'
        : `the retention policy (trim entries older than ${maxAgeMs} ms) is in force`,
    );
  }

  /**
   * This server's running worker of the consumer, for a command about it. Not found when no process runs it; a
   * conflict that says so when a Streamscope worker in another process does, as that process's to pause, crash or
   * claim to.
   */
  async worker(group: string, name: string): Promise<ConsumerWorker> {
    try {
      return this.pool.get(group, name);
    } catch (error) {
      // With Redis away, CLIENT LIST would wait out the reconnect: not found says enough then.
      if (
        this.stream.redis.status === 'ready' &&
        this.#runElsewhere(group, name, await ConnectedConsumers.of(this.stream))
      ) {
        throw new CommandError(
          'conflict',
          `consumer ${group}/${name} runs in another Streamscope process, not this one: pause, resume, crash or autoclaim to it there`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Pauses a consumer of this server (see `ConsumerWorker.pause`) and saves that for a restart without reset. */
  async pauseConsumer(group: string, name: string): Promise<void> {
    await (await this.worker(group, name)).pause();
    await this.#save({ consumers: [{ group, name }] }, `consumer ${group}/${name} is paused`);
  }

  /** Resumes a consumer of this server and saves that for a restart without reset. */
  async resumeConsumer(group: string, name: string): Promise<void> {
    (await this.worker(group, name)).resume();
    await this.#save({ consumers: [{ group, name }] }, `consumer ${group}/${name} is resumed`);
  }

  /**
   * Saves these consumers' pauses, groups' auto-reap switches and the retention policy as they stand now (read
   * in the same step as the write is sent, so a pause still waiting for its read to end, overtaken by a resume,
   * saves "running"). A failed save leaves the choice in force here, since undoing it would be worse (a consumer
   * paused during an incident would run again), and fails the command saying what a restart would lose; the
   * choices are saved again, as they then stand, once Redis answers.
   */
  async #save(
    { consumers = [], groups = [], retention = false, deletedGroups = [] }: ControlsChanged,
    done: string,
  ): Promise<void> {
    this.#choicesMade += 1;
    try {
      await this.#controls.save({
        deletedGroups,
        consumers: consumers.map(({ group, name }) => {
          const worker = this.pool.find(group, name);
          return { group, name, paused: worker?.status().paused ?? false, runs: worker !== undefined };
        }),
        groups: groups.map((group) => ({ group, autoReap: this.#autoReap.has(group) })),
        ...(retention ? { retentionMaxAgeMs: this.retention.maxAgeMs } : {}),
      });
      this.#resaveDelayMs = RESAVE_FIRST_MS;
    } catch (error) {
      for (const ref of consumers) this.#unsavedConsumers.set(refKey(ref.group, ref.name), ref);
      for (const group of groups) this.#unsavedGroups.add(group);
      if (retention) this.#unsavedRetention = true;
      this.#resaveWhenRedisReturns();
      throw new CommandError(
        isRedisUnavailable(error) ? 'unavailable' : 'internal',
        `${done} on this server, but saving that in Redis (${this.#controls.key}) failed, so a restart without reset would not keep it; it is saved once Redis answers again`,
        { cause: error },
      );
    }
  }

  /** `#save` for a membership change that has happened either way: a failed save is logged, and retried. */
  async #saveQuietly(changed: ControlsChanged): Promise<void> {
    await this.#save(changed, 'the change is made').catch((error: unknown) =>
      this.options.onBackgroundError?.('controls', error),
    );
  }

  /** Saves the choices whose save failed, as they stand then, once Redis answers; retries, backing off. */
  #resaveWhenRedisReturns(): void {
    if (this.#resaveScheduled) return;
    this.#resaveScheduled = true;
    const resave = () => {
      this.#resaveScheduled = false;
      const retention = this.#unsavedRetention;
      if (this.#closed || (this.#unsavedConsumers.size === 0 && this.#unsavedGroups.size === 0 && !retention))
        return;
      const consumers = [...this.#unsavedConsumers.values()];
      const groups = [...this.#unsavedGroups];
      this.#unsavedConsumers.clear();
      this.#unsavedGroups.clear();
      this.#unsavedRetention = false;
      this.#save({ consumers, groups, retention }, 'choices made while Redis was away are in force').catch(
        (error: unknown) => {
          this.#resaveDelayMs = Math.min(this.#resaveDelayMs * 2, RESAVE_MAX_MS);
          this.options.onBackgroundError?.('controls', error);
        },
      );
    };
    this.#whenRedisAnswers(resave, this.#resaveDelayMs);
  }

  /**
   * Runs `task` once Redis may answer again: after `delayMs` while the connection is up (the failure just seen
   * was Redis's answer, not its absence), or as soon as it is ready again.
   */
  #whenRedisAnswers(task: () => void, delayMs: number): void {
    if (this.stream.redis.status === 'ready') setTimeout(task, delayMs).unref();
    else this.stream.redis.once('ready', task);
  }

  /**
   * Stops everything, deletes the stream, its DLQ and guards, and starts over from the seeds. Resets run one
   * at a time: overlapping, one's delete would land between the other's seeding steps (a double-click on
   * "Reset demo" left a seed group deleted for good).
   */
  reset(): Promise<{ groups: number; consumers: number }> {
    return this.#changeMembership(async () => {
      // Redis first: with it away, a reset would stop every worker and then fail to delete or re-seed.
      await this.stream.redis.ping();
      // Before the gate: the producer's own append, queued behind the reset, would wait forever for it.
      await this.producer.stop();
      return this.#appendGate.runExclusive(() => this.#reset(), APPEND_SLOTS);
    });
  }

  /**
   * Starts a consumer (a conflict when the name is taken). Waits for a reset under way: started during one,
   * its group would be deleted under it.
   */
  async addConsumer(group: string, name: string): Promise<void> {
    await this.#changeMembership(async () => {
      // Each worker holds a Redis connection of its own: unbounded, a script could open them up to Redis's
      // maxclients, which every other client of that Redis shares. (Seeds are the operator's: they count toward
      // the bound but are never refused by it, since seeding does not come through here.)
      if (this.pool.workers().length >= LIMITS.consumersMax && !this.pool.find(group, name)) {
        throw new CommandError(
          'refused',
          `this server already runs ${LIMITS.consumersMax} consumers, the most it will; remove one before adding another`,
        );
      }
      await this.#refuseActiveElsewhere(group, name);
      await this.pool.add(group, name);
      // A new consumer runs: a pause saved for an earlier one of this name (its removal's save failed) is dropped.
      await this.#saveQuietly({ consumers: [{ group, name }] });
    });
  }

  /**
   * Two workers under one consumer name would share one PEL, each handing over or deleting the other's
   * entries; so a name held by a Streamscope worker in another process (its named connection is open), or
   * that Redis saw reading in the last few seconds, is taken. (Seeding skips this check: a restarted server
   * takes its own consumers back moments after it stopped.)
   */
  async #refuseActiveElsewhere(group: string, name: string): Promise<void> {
    if (this.pool.find(group, name)) return; // ours: the pool's own conflict answers it
    if (this.#runElsewhere(group, name, await ConnectedConsumers.of(this.stream))) {
      throw new CommandError(
        'conflict',
        `consumer ${group}/${name} is in use: a Streamscope worker in another process holds it. Pick another name.`,
      );
    }
    const seen = await this.#seenReadingElsewhere(group, name);
    if (seen !== null) {
      throw new CommandError('conflict', `consumer ${group}/${name} is in use: ${seen}. Pick another name.`);
    }
  }

  /** How lately Redis saw another client read as this consumer, when that was lately enough to seem running. */
  async #seenReadingElsewhere(group: string, name: string): Promise<string | null> {
    if (this.pool.find(group, name)) return null;
    const known = await consumerInRedis(this.stream, group, name);
    return known && seemsActive(known.idleMs)
      ? `Redis saw it read ${known.idleMs} ms ago, from another client`
      : null;
  }

  /** Whether a Streamscope worker of another process, and none here, runs this consumer. */
  #runElsewhere(group: string, name: string, connected: ConnectedConsumers | null): boolean {
    return !this.pool.find(group, name) && connected?.has(group, name) === true;
  }

  /**
   * A reset, add or removal: one at a time (see `reset`), and refused once `close` has begun, including one
   * that was queued behind another when it did, as its work would outlive the pipeline.
   */
  #changeMembership<T>(change: () => Promise<T>): Promise<T> {
    return this.#membership.runExclusive(async () => {
      if (this.#closed) throw shuttingDown();
      return change();
    });
  }

  /** Retires a consumer without losing an entry (see `ConsumerPool.remove`), never in the middle of a reset. */
  removeConsumer(group: string, name: string): ReturnType<ConsumerPool['remove']> {
    return this.#changeMembership(async () => {
      // Not ours: a consumer whose worker runs in another process is that process's to remove.
      if (this.#runElsewhere(group, name, await ConnectedConsumers.of(this.stream))) {
        throw new CommandError(
          'conflict',
          `consumer ${group}/${name} is run by a Streamscope worker in another process: remove it there`,
        );
      }
      // Nor one another client reads as now: its entries handed over here would be handled twice, once by each.
      const seen = await this.#seenReadingElsewhere(group, name);
      if (seen !== null) {
        throw new CommandError(
          'conflict',
          `consumer ${group}/${name} is in use: ${seen}. Stop it there first; one that crashed can be removed once Redis has not seen it read for ${ACTIVE_WITHIN_MS / 1000} s`,
        );
      }
      const removal = await this.pool.remove(group, name);
      // Gone from the pool, it saves as not paused: its entry is deleted.
      await this.#saveQuietly({ consumers: [{ group, name }] });
      this.#recordLetters(group, removal.deadLettered ?? [], 'trimmed while pending (found on handover)');
      return removal;
    });
  }

  /**
   * A new group (XGROUP CREATE) reading after `startId`, with no consumers yet; a conflict when the name is taken.
   * A position past the newest entry is refused: the group would silently skip entries not written yet.
   */
  createGroup(group: string, startId: string): Promise<CommandResults['group.create']> {
    return this.#changeMembership(async () => {
      if (startId !== '$') await this.#refuseBeyondNewest(startId);
      if (!(await this.stream.ensureGroup(group, startId))) {
        throw new CommandError('conflict', `group ${group} already exists on ${this.stream.streamKey}`);
      }
      await this.#recordOwned([group]);
      // A new group has processed nothing, whatever a guard of that name (left by another client's delete) says.
      await this.#forgetGroup(group);
      const info = await this.#groupInfo(group);
      return { group, startId, lastDeliveredId: info.lastDeliveredId, lag: info.lag };
    });
  }

  /**
   * Moves a group's cursor (XGROUP SETID): back, and its consumers read again what it had read, the ones it had
   * processed counted as duplicates by its once-per-ID guard; forward, and what lies between is never delivered
   * to it. Its pending entries stay with their consumers either way.
   */
  setGroupPosition(group: string, id: string): Promise<CommandResults['group.setid']> {
    return this.#changeMembership(async () => {
      if (id !== '$') await this.#refuseBeyondNewest(id);
      await this.#refuseRewindElsewhere(group, id);
      // A worker blocked on `>` reads from the new cursor the moment an append wakes it, before the script's reply
      // is here: until then every `>` delivery asks the guard (a lookup too many for a forward move, nothing more).
      const known = this.#redeliveredThrough.get(group);
      this.#redeliveredThrough.set(group, LAST_ENTRY_ID);
      let moved: { before: GroupInfo; after: GroupInfo };
      try {
        moved = await this.stream.setGroupId(group, id);
      } catch (error) {
        this.#restoreRedeliveredThrough(group, known);
        if (error instanceof GroupNotFoundError) {
          throw new CommandError('not_found', `no group ${group} on ${this.stream.streamKey}`, {
            cause: error,
          });
        }
        throw error;
      }
      const { before, after } = moved;
      // Moved back, `>` reads hand out again what the group had read, up to where its cursor stood: the guard
      // must be asked about those. Entries past that were never delivered to it.
      const through =
        compareEntryIds(after.lastDeliveredId, before.lastDeliveredId) < 0 &&
        (known === undefined || compareEntryIds(before.lastDeliveredId, known) > 0)
          ? before.lastDeliveredId
          : known;
      this.#restoreRedeliveredThrough(group, through);
      return {
        group,
        from: before.lastDeliveredId,
        to: after.lastDeliveredId,
        lag: after.lag,
        pending: after.pending,
      };
    });
  }

  /**
   * Deletes a group (XGROUP DESTROY) once this server's consumers of it have stopped, each finishing and acking
   * its batch. Refused, with everything left running, while a consumer of it runs elsewhere, or while it holds
   * pending entries and `discardPending` is not set: they would be forgotten, never acked.
   */
  deleteGroup(group: string, discardPending: boolean): Promise<CommandResults['group.delete']> {
    return this.#changeMembership(async () => {
      const info = await this.#groupInfo(group);
      // Read in the same step as XINFO's reply: what this server's consumers have in hand, they finish and ack as
      // they stop, so only the rest would be forgotten. (A group at work always has some pending.)
      const inHand = this.pool
        .workers()
        .filter((worker) => worker.group === group)
        .reduce((sum, worker) => sum + worker.status().inHand, 0);
      await this.#refuseReadElsewhere(group);
      const refusePending = (pending: number, stopped: boolean) => {
        if (pending > 0 && !discardPending) {
          const entries = `${pending} pending entr${pending === 1 ? 'y' : 'ies'}`;
          throw new CommandError(
            'refused',
            `group ${group} holds ${entries} ${stopped ? 'that its consumers here left unacked as they stopped (they are running again)' : 'that no consumer of it here is at work on'}, which deleting it would forget, never acked: claim or ack them first, or delete it with discardPending`,
          );
        }
      };
      refusePending(info.pending - inHand, false);
      const stopped = await this.pool.closeGroup(group);
      let pending: number;
      try {
        // Their last batches may have left some pending (a failed handler, a crash queued).
        pending = (await this.stream.pendingSummary(group)).count;
        refusePending(pending, true);
        await this.stream.deleteGroup(group);
      } catch (error) {
        // The group stands: its consumers go back to work as they were, now or, with Redis away, once it answers.
        if (isRedisUnavailable(error)) this.#restartWhenRedisReturns(group, stopped);
        else await this.#restartStopped(group, stopped);
        throw error;
      }
      const consumersStopped = stopped.map(({ name }) => name);
      await this.#forgetDeleted(group, consumersStopped);
      return { group, consumersStopped, pendingDiscarded: pending };
    });
  }

  /**
   * Starts again, as they stood (paused, crashes queued), the consumers a group delete stopped before it was cut
   * off; only those, and only if the group still stands. One whose DESTROY ran, its reply lost, is forgotten as a
   * finished delete is: its consumers, started again, would have made the group anew from 0-0.
   */
  async #restartStopped(group: string, stopped: readonly StoppedConsumer[]): Promise<void> {
    if (!(await this.stream.infoGroups()).some((info) => info.name === group)) {
      await this.#forgetDeleted(
        group,
        stopped.map(({ name }) => name),
      );
      return;
    }
    for (const { name, ...standing } of stopped) {
      if (this.pool.find(group, name)) continue;
      // Another process may have taken the name while it was stopped: it is that one's now.
      await this.pool.add(group, name, standing).catch((error: unknown) => {
        if (!(error instanceof CommandError && error.code === 'conflict')) throw error;
        this.options.onBackgroundError?.('group delete', `${error.message} Not starting it here again.`);
      });
    }
  }

  /** `#restartStopped` under the membership queue once Redis answers again, retrying until it works. */
  #restartWhenRedisReturns(group: string, stopped: readonly StoppedConsumer[]): void {
    const restart = () => {
      if (this.#closed) return;
      void this.#membership
        .runExclusive(() => this.#restartStopped(group, stopped))
        .catch((error: unknown) => {
          this.options.onBackgroundError?.('group delete', error);
          this.#restartWhenRedisReturns(group, stopped);
        });
    };
    this.#whenRedisAnswers(restart, 1_000);
  }

  /** What this process kept of a deleted group: its guard, counters, auto-reaper, and the notes of it as ours. */
  async #forgetDeleted(group: string, consumers: readonly string[]): Promise<void> {
    await this.#forgetGroup(group);
    this.#autoReap.delete(group);
    await this.#saveQuietly({
      consumers: consumers.map((name) => ({ group, name })),
      groups: [group],
      deletedGroups: [group],
    });
  }

  /**
   * A move back of a group a Streamscope worker in another process reads: that process's handlers take what `>`
   * hands out again for first deliveries, as only this process knows of the rewind, and would do it all again
   * without asking the guard. Moved from that process's server, they ask it. (A move forward is harmless.)
   */
  async #refuseRewindElsewhere(group: string, id: string): Promise<void> {
    const { lastDeliveredId } = await this.#groupInfo(group);
    if (id === '$' || compareEntryIds(id, lastDeliveredId) >= 0) return;
    const elsewhere = await this.#readersElsewhere(group, { seenReading: false });
    if (elsewhere.length > 0) {
      // Read from here too, it can be moved from neither server until one side's consumers are gone.
      const where = this.pool.workers().some((worker) => worker.group === group)
        ? 'This server reads it too: remove its consumers on one of the two servers, then move it from the other'
        : 'Move it from the server that runs them';
      throw new CommandError(
        'conflict',
        `group ${group} is read by Streamscope workers in another process (${listed(elsewhere)}): moved back from here, they would process again what they had processed, as only this server would know to ask the group's once-per-ID guard. ${where}`,
      );
    }
  }

  #restoreRedeliveredThrough(group: string, through: string | undefined): void {
    if (through === undefined) this.#redeliveredThrough.delete(group);
    else this.#redeliveredThrough.set(group, through);
  }

  /** The group as XINFO GROUPS reports it; not found when the stream has no such group. */
  async #groupInfo(group: string): Promise<GroupInfo> {
    const info = (await this.stream.infoGroups()).find((candidate) => candidate.name === group);
    if (!info) throw new CommandError('not_found', `no group ${group} on ${this.stream.streamKey}`);
    return info;
  }

  /** A cursor past the stream's newest ID would skip, unseen, entries not written yet. */
  async #refuseBeyondNewest(id: string): Promise<void> {
    const newest = (await this.stream.infoStream())?.lastGeneratedId ?? '0-0';
    if (compareEntryIds(id, newest) > 0) {
      throw new CommandError(
        'bad_request',
        `${id} is past the stream's newest entry (${newest}): the group would skip entries not written yet. Use $ to read only entries added from now on`,
      );
    }
  }

  /**
   * A group read by a Streamscope worker in another process, or by a client Redis saw reading lately, is in use:
   * deleting it would fail their every read.
   */
  async #refuseReadElsewhere(group: string): Promise<void> {
    const elsewhere = await this.#readersElsewhere(group, { seenReading: true });
    if (elsewhere.length > 0) {
      throw new CommandError(
        'conflict',
        `group ${group} is in use elsewhere: ${listed(elsewhere)} ${elsewhere.length === 1 ? 'reads' : 'read'} it from another process or client. Stop ${elsewhere.length === 1 ? 'it' : 'them'} there first`,
      );
    }
  }

  /**
   * The group's consumers that another process reads with, not this one: a Streamscope worker there (its named
   * connection is open, see `#runElsewhere`) or, with `seenReading`, any client Redis saw reading lately.
   */
  async #readersElsewhere(group: string, { seenReading }: { seenReading: boolean }): Promise<string[]> {
    const connected = await ConnectedConsumers.of(this.stream);
    const known = await consumersInRedis(this.stream, group);
    const readers = known
      .filter(
        ({ name, idleMs }) =>
          this.#runElsewhere(group, name, connected) ||
          (seenReading && !this.pool.find(group, name) && seemsActive(idleMs)),
      )
      .map(({ name }) => name);
    // A worker paused before its first read (a pause a restart brought back) is not in the group's list yet.
    const inGroup = new Set(known.map(({ name }) => name));
    const unlisted = (connected?.consumersOf(group) ?? []).filter(
      (name) => !inGroup.has(name) && this.#runElsewhere(group, name, connected),
    );
    return [...readers, ...unlisted];
  }

  /** What this process keeps of a group: its guard, counters and redelivery mark. */
  async #forgetGroup(group: string): Promise<void> {
    await this.#processedIds(group).clear();
    this.#processed.delete(group);
    this.groupCounters.delete(group);
    this.#redeliveredThrough.delete(group);
  }

  /** Letters written outside a worker (a handover) still belong in the timeline and the group's count. */
  #recordLetters(group: string, letters: readonly TrimmedLetter[], reason: string): void {
    const ts = Date.now();
    for (const letter of letters) {
      this.#countersOf(group).deadLettered += 1;
      this.#record({
        kind: 'dead-lettered',
        id: letter.id,
        group,
        consumer: letter.consumer,
        deliveryCount: letter.deliveryCount,
        eventType: null,
        reason,
        ts,
      });
    }
  }

  async #reset(): Promise<{ groups: number; consumers: number }> {
    // As they stand: cut off, the reset starts them again so (a consumer paused during an incident stays paused).
    const stopped = this.pool
      .workers()
      .map((worker) => ({ group: worker.group, name: worker.name, ...standingOf(worker) }));
    await this.pool.closeAll();
    try {
      await this.#deleteData();
      // What the old stream's workers and tail did up to here and the pages were not sent yet goes with it: sent
      // at the next tick, after the reset's answer, it refilled a live feed the page had just cleared.
      this.feed.clear();
      this.tailFeed.clear();
      this.history.clear();
      this.groupCounters.clear();
      this.#baseline = this.#countsSinceStart();
      // Nothing to restore: the stream, with every consumer Redis had, was just deleted.
      const { groups, consumers } = await this.#seed('none');
      return { groups, consumers };
    } catch (error) {
      // Redis went away half-way: the workers are stopped; they start again as soon as it is back, as they stood.
      this.#seedWhenRedisReturns(stopped);
      throw error;
    }
  }

  /**
   * Seeds (under the membership queue) once Redis answers again, retrying each second until it works, and
   * restarts the `stopped` consumers whose group outlived the cut-off reset (see `#seed`), as they stood: paused,
   * crashes queued. Their pauses and notes as Streamscope's are saved again, as the reset may have deleted them.
   */
  #seedWhenRedisReturns(stopped: readonly (ConsumerRef & Omit<StoppedConsumer, 'name'>)[]): void {
    const paused = new Set(stopped.filter((ref) => ref.paused).map(({ group, name }) => refKey(group, name)));
    const seed = () => {
      if (this.#closed) return;
      void this.#membership
        .runExclusive(async () => {
          await this.#seed(stopped, paused);
          const back = stopped.filter(({ group, name }) => this.pool.find(group, name));
          for (const { group, name, crashQueued } of back) {
            const worker = this.pool.find(group, name);
            // Not one the server's close has begun to stop: it reads nothing again.
            if (crashQueued > 0 && worker?.status().state === 'running') worker.crashNext(crashQueued);
          }
          await this.#saveQuietly({ consumers: back });
        })
        .catch((error: unknown) => {
          this.options.onBackgroundError?.('reset', error);
          this.#seedWhenRedisReturns(stopped);
        });
    };
    this.#whenRedisAnswers(seed, 1_000);
  }

  /** Stops producing and trimming, lets every worker finish and ack its in-flight batch; Redis stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#followTimer);
    this.#closing.abort(shuttingDown());
    await this.producer.stop();
    this.retention.set(null);
    await this.#tail?.close();
    await this.pool.close();
  }

  async #deleteData(): Promise<void> {
    await this.stream.deleteStream();
    this.#redeliveredThrough.clear();
    await this.deadLetters.clear();
    // Switched off in the same step as the DEL goes out: a switch or policy made before it is deleted with it,
    // one made after is saved after it and stays in force (cleared after the DEL's reply, it was saved but not
    // in force).
    this.#autoReap.clear();
    this.retention.set(null);
    this.#choicesMade += 1;
    await this.#controls.clear();
    const groups = new Set([...this.#seeds().map((seed) => seed.group), ...this.#processed.keys()]);
    for (const group of groups) await this.#processedIds(group).clear();
  }

  /**
   * The default seed groups an operator deleted through Streamscope, none created since: a restart without reset
   * leaves them deleted, as a restart leaves a removed consumer removed, rather than making them again from 0-0
   * to process every entry still in the stream once more. A group named by `--seed` is the operator asking for it
   * at this start: it is seeded, and so is one that stands again (another client made it).
   */
  #deletedSeeds(deleted: ReadonlySet<string>, standing: ReadonlySet<string>): ReadonlySet<string> {
    if (deleted.size === 0 || this.options.seedsNamed) return new Set();
    const skipped = this.#seeds()
      .map((seed) => seed.group)
      .filter((group) => deleted.has(group) && !standing.has(group));
    if (skipped.length > 0) {
      this.options.onBackgroundError?.(
        'seed',
        `not seeding group(s) ${skipped.map((group) => JSON.stringify(group)).join(', ')}: deleted from a dashboard, they stay deleted (create one again from the dashboard, or start without --no-reset, which deletes the stream and seeds everything anew)`,
      );
    }
    return new Set(skipped);
  }

  /**
   * Starts the seeds, then the consumers `restore` asks for that Redis still has: they may hold pending entries
   * no one else will process. On a start without reset that is every consumer of the seed groups (one the user
   * added before the restart, say); after a reset cut off before its DEL, the consumers it stopped. Those gone
   * with the stream (or removed since) stay gone, as after a reset that finished. Restored consumers count
   * toward the bound on adds (the seeds are never refused by it); the ones past it are named, not started, as
   * are those whose names the API refuses (another client's), which this server could not manage.
   */
  async #seed(
    restore: Restore,
    paused: ReadonlySet<string> = new Set(),
    leaveDeleted: ReadonlySet<string> = new Set(),
  ): Promise<SeedResult> {
    // A name a live worker of another process holds is left to it: two workers under one name would share one
    // PEL. (This process's own earlier connections are gone: a dead process's sockets close.) Redis's idle
    // time is not asked, unlike on an add: a restarted server takes its own consumers back moments after it
    // stopped, while Redis still counts them as active.
    const connected = await ConnectedConsumers.of(this.stream);
    const seeds = this.#seeds().filter((seed) => !leaveDeleted.has(seed.group));
    let consumers = 0;
    const start = async (group: string, name: string): Promise<boolean> => {
      const elsewhere = () =>
        this.options.onBackgroundError?.(
          'seed',
          `consumer ${group}/${name} is run by a Streamscope worker in another process; not starting it here too`,
        );
      if (this.#runElsewhere(group, name, connected)) {
        elsewhere();
        return false;
      }
      if (!this.pool.find(group, name)) {
        try {
          await this.pool.add(group, name, { paused: paused.has(refKey(group, name)) });
        } catch (error) {
          // Another process started it at the same moment (see `ConsumerPool.add`).
          if (!(error instanceof CommandError && error.code === 'conflict')) throw error;
          elsewhere();
          return false;
        }
      }
      consumers += 1;
      return true;
    };
    const seedNames = new Set<string>();
    const created: string[] = [];
    const started: ConsumerRef[] = [];
    for (const { group, consumers: names } of seeds) {
      if (await this.stream.ensureGroup(group, '0-0')) created.push(group);
      for (const name of names) {
        seedNames.add(refKey(group, name));
        if (await start(group, name)) started.push({ group, name });
      }
    }
    await this.#recordOwned(created, started);
    let restored = 0;
    const overBound: string[] = [];
    const unnamed: string[] = [];
    const others: string[] = [];
    for (const { group, name } of await this.#restorable(restore)) {
      // Seeds were started (or left to another process, and said so) above.
      if (seedNames.has(refKey(group, name)) || this.pool.find(group, name)) continue;
      // Another client's consumer in a group Streamscope seeds: what it holds is that client's to finish. (One a
      // Streamscope worker of another process runs is Streamscope's whatever the notes say: `start` says so.)
      if (
        restore !== 'none' &&
        'ours' in restore &&
        !restore.ours.has(refKey(group, name)) &&
        !this.#runElsewhere(group, name, connected)
      ) {
        others.push(JSON.stringify(`${group}/${name}`));
        continue;
      }
      // A name another client gave (`bad name`, `__proto__`, bytes that are not UTF-8) is one the API refuses:
      // run here, its worker could be neither paused nor removed, and came back on every restart; a name not
      // UTF-8 reads back with U+FFFD in it, so its worker would even read as a new consumer, not this one.
      if (!nameSchema.safeParse(name).success) unnamed.push(JSON.stringify(`${group}/${name}`));
      else if (this.pool.workers().length >= LIMITS.consumersMax) overBound.push(`${group}/${name}`);
      else if (await start(group, name)) restored += 1;
    }
    if (others.length > 0) {
      this.options.onBackgroundError?.(
        'seed',
        `not restoring ${others.length} consumer(s) Redis has in the seed groups (${listed(others)}): Streamscope did not add them, so they are another client's, and what they hold is left to it`,
      );
    }
    if (unnamed.length > 0) {
      this.options.onBackgroundError?.(
        'seed',
        `not restoring ${unnamed.length} consumer(s) Redis still has (${listed(unnamed)}): their names are ones this server's API refuses (it takes up to ${LIMITS.nameMax} ASCII letters, digits and _ . : -); what they hold waits for an autoclaim`,
      );
    }
    if (overBound.length > 0) {
      this.options.onBackgroundError?.(
        'seed',
        `not restoring ${overBound.length} consumer(s) Redis still has (${listed(overBound)}): this server runs at most ${LIMITS.consumersMax} consumers; what they hold waits for an autoclaim, or for their removal, which hands it to a running peer`,
      );
    }
    return { groups: seeds.length, consumers, restored };
  }

  /**
   * The consumers `restore` asks for that Redis has, by group in XINFO order. Only the seed groups are ever
   * listed whole: another group on the stream may be another Streamscope process's pool (`--seed`), and its
   * consumers, stopped or not, are that process's to take back.
   */
  async #restorable(restore: Restore): Promise<ConsumerRef[]> {
    if (restore === 'none') return [];
    const whole = 'seedGroups' in restore;
    const named = whole ? null : new Set(restore.map((ref) => refKey(ref.group, ref.name)));
    const groups = whole ? this.#seeds().map((seed) => seed.group) : restore.map((ref) => ref.group);
    const found: ConsumerRef[] = [];
    for (const group of new Set(groups)) {
      for (const { name } of await consumersInRedis(this.stream, group)) {
        if (named === null || named.has(refKey(group, name))) found.push({ group, name });
      }
    }
    return found;
  }

  /**
   * Notes in Redis the groups this server created and the seeds it started, so that a `--no-reset` start (of this
   * process or another on the stream) knows them from another client's (see `#refuseForeignSeedGroups` and
   * `#seed`). A failed note is logged: the groups and workers run either way.
   */
  async #recordOwned(groups: readonly string[], consumers: readonly ConsumerRef[] = []): Promise<void> {
    if (groups.length === 0 && consumers.length === 0) return;
    await this.#controls
      .save({ createdGroups: groups, startedConsumers: consumers })
      .catch((error: unknown) => this.options.onBackgroundError?.('controls', error));
  }

  #seeds(): readonly GroupSeed[] {
    return this.options.seeds ?? DEMO_SEEDS;
  }

  /** Appends the events `make` returns, once one of the gate's slots is free (see `APPEND_SLOTS`). */
  #append(make: () => Parameters<EventStream['produceBatch']>[0]): Promise<string[]> {
    return this.#appendGate.runExclusive(async () => {
      const events = make();
      // When XADD was sent, not when its reply came: a worker's read of the entry can be answered first, and its
      // "delivered" then came a millisecond before "produced" on the timeline.
      const ts = Date.now();
      let ids: string[];
      try {
        ids = await this.stream.produceBatch(events);
      } catch (error) {
        // Appended in part: those entries exist, and their timelines begin here too (which event each was, the
        // failed chunks between them leave unknown).
        if (error instanceof ProduceStoppedError) {
          for (const id of error.ids) this.#recordProduced(id, null, null, ts);
        }
        throw error;
      }
      ids.forEach((id, index) => {
        this.#recordProduced(id, events[index]?.type ?? null, null, ts);
      });
      return ids;
    });
  }

  #recordProduced(id: string, eventType: string | null, reason: string | null, ts: number): void {
    this.#record({
      kind: 'produced',
      id,
      group: null,
      consumer: null,
      deliveryCount: null,
      eventType,
      reason,
      ts,
    });
  }

  /**
   * The demo's handler: idempotent through the group's once-per-id guard (a redelivered entry that was
   * already processed is counted as a duplicate and acked, not processed again), and a poison pill
   * always fails, to be dead-lettered after maxDeliveries.
   */
  #handlerFor(group: string): EntryHandler {
    const processed = this.#processedIds(group);
    const counters = this.#countersOf(group);
    return async (entry, { consumer, deliveryCount, source }) => {
      // The event's identity: a copy requeued from the dead-letter stream is the original event again, and a
      // group that processed the original must not do the work twice.
      const key = entry.fields[REQUEUED_FROM_FIELD] || entry.id;
      // A `>` read is a first delivery to this group by definition (unless the group was re-created under
      // it); only redeliveries and copies need the lookup.
      const redelivered = this.#redeliveredThrough.get(group);
      const firstDelivery =
        source === 'new' && (redelivered === undefined || compareEntryIds(entry.id, redelivered) > 0);
      if ((!firstDelivery || key !== entry.id) && (await processed.has(key))) {
        counters.duplicates += 1;
        this.#record({
          kind: 'duplicate',
          id: entry.id,
          group,
          consumer,
          deliveryCount,
          eventType: entry.fields.type,
          reason:
            key === entry.id
              ? 'already processed: acked without doing the work again'
              : `a requeued copy of ${key}, already processed: acked without doing the work again`,
          ts: Date.now(),
        });
        return;
      }
      if (entry.fields.type === POISON_EVENT_TYPE) throw new Error('poison pill: this handler always fails');
      // Marked after the work, not awaited: the batch's marks leave in one ZADD. Should the process die
      // before it lands, a redelivery is merely not recognised as a duplicate; nothing is lost.
      processed.add(key).catch(() => {});
    };
  }

  #makeWorker(group: string, name: string): ConsumerWorker {
    const worker = new ConsumerWorker(this.stream, group, name, {
      handler: this.#handlerFor(group),
      processLatencyMs: this.options.processLatencyMs,
      ...(this.options.readCount === undefined ? {} : { count: this.options.readCount }),
      deadLetters: this.deadLetters,
      maxDeliveries: this.options.maxDeliveries,
      reapIntervalMs: this.#autoReap.has(group) ? this.options.reapIntervalMs : null,
    });
    const counters = this.#countersOf(group);
    for (const kind of WORKER_EVENTS) {
      worker.on(kind, (event: LifecycleEvent) => {
        if (kind === 'delivered') counters.delivered += 1;
        else if (kind === 'acked') counters.acked += 1;
        else if (kind === 'dead-lettered') counters.deadLettered += 1;
        this.#record(event);
      });
    }
    // Failures are already in the worker's status (`lastError`). One kind this process can mend: another
    // process sharing the stream reset it, deleting the groups these workers read.
    worker.on('error', (event) => {
      if (event.error instanceof GroupNotFoundError) this.#recreateGroup(group);
    });
    return worker;
  }

  /**
   * Re-creates a group deleted under this process's running workers (by a reset in another process on the
   * same stream, say) from 0-0, as seeding would, so they carry on instead of failing every read. Groups
   * with no worker here are left alone.
   */
  #recreateGroup(group: string): void {
    if (this.#recreating.has(group)) return;
    this.#recreating.add(group);
    void this.#membership
      .runExclusive(async () => {
        if (!this.pool.workers().some((worker) => worker.group === group)) return;
        if ((await this.stream.infoGroups()).some((info) => info.name === group)) return;
        // Deleted with its stream (a reset elsewhere), everything is new; deleted alone, the entries still
        // there come again, and the ones this group processed are duplicates.
        const lastId = (await this.stream.infoStream())?.lastGeneratedId;
        if (lastId !== undefined) this.#redeliveredThrough.set(group, lastId);
        if (await this.stream.ensureGroup(group, '0-0')) await this.#recordOwned([group]);
        // A reset elsewhere deleted the notes of this process's consumers too, and their pauses, which are still
        // in force here: they are saved again. (The auto-reap switches and the retention policy it deleted are not:
        // every process follows that, see `#follow`.)
        const consumers = this.pool.workers().filter((worker) => worker.group === group);
        await this.#saveQuietly({ consumers });
        this.options.onBackgroundError?.(
          'workers',
          `group ${group} was deleted under its running consumers (a reset by another process, or Redis restarted without its data?); re-created it from 0-0`,
        );
      })
      .catch((error: unknown) => this.options.onBackgroundError?.('workers', error))
      .finally(() => this.#recreating.delete(group));
  }

  #processedIds(group: string): ProcessedIds {
    let processed = this.#processed.get(group);
    if (!processed) {
      processed = new ProcessedIds(this.options.redis, `${this.options.streamKey}:processed:${group}`);
      this.#processed.set(group, processed);
    }
    return processed;
  }

  #countersOf(group: string): GroupCounters {
    let counters = this.groupCounters.get(group);
    if (!counters) {
      counters = { delivered: 0, acked: 0, duplicates: 0, deadLettered: 0 };
      this.groupCounters.set(group, counters);
    }
    return counters;
  }

  /** Every lifecycle event as it happens (metrics count them). */
  observe(observer: (event: LifecycleEventView) => void): void {
    this.#observers.push(observer);
  }

  #record(recorded: LifecycleEventView): void {
    // Kept for 25,000 entries and sent to every page: another client's entry may have a megabyte for a type. Copied
    // only then: every delivery and ack comes through here.
    const eventType = boundedType(recorded.eventType);
    const event = eventType === recorded.eventType ? recorded : { ...recorded, eventType };
    this.history.record(event);
    this.feed.push(event);
    for (const observer of this.#observers) observer(event);
  }
}

/** `a/x, a/y and 3 more`: the first `NAMES_LISTED` names, and how many others. */
function listed(names: readonly string[]): string {
  const more = names.length > NAMES_LISTED ? ` and ${names.length - NAMES_LISTED} more` : '';
  return `${names.slice(0, NAMES_LISTED).join(', ')}${more}`;
}

/** A consumer's identity as one string, for sets of them. */
function refKey(group: string, name: string): string {
  return JSON.stringify([group, name]);
}
