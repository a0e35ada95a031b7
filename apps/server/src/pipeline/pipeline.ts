import type { CommandResults, EntryView, LifecycleEventView } from '@streamscope/protocol';
import {
  type ConsumerWorker,
  DeadLetters,
  EventStream,
  fullEntryId,
  isEntryId,
  nextEntryId,
  type RequeueThroughResult,
  type SingleRequeueResult,
  type StreamTail,
} from '@streamscope/streams';
import type { Redis } from 'ioredis';
import { boundedEntry } from '../live/bounded-view.js';
import { TickBuffer } from '../live/tick-buffer.js';
import { AppendGate } from './append-gate.js';
import { CommandError, shuttingDown } from './command-error.js';
import { ConsumerCommands } from './consumer-commands.js';
import { ConsumerPool } from './consumer-pool.js';
import { DEMO_SEEDS, type GroupSeed, refKey } from './consumer-ref.js';
import { ContinuousProducer } from './continuous-producer.js';
import { DeadLetterRequeues } from './dead-letter-requeues.js';
import { DemoHandlers, type GroupCounters } from './demo-handler.js';
import { DemoWorkers } from './demo-workers.js';
import { fakeOrders } from './fake-orders.js';
import { GroupCommands } from './group-commands.js';
import { LifecycleRecorder } from './lifecycle-recorder.js';
import { MembershipChanges } from './membership-changes.js';
import { OwnershipRecheck } from './ownership-recheck.js';
import { deadLetterPending } from './pending-dead-letter.js';
import { anotherApplicationsGroup } from './pending-refusals.js';
import { ReadersElsewhere } from './readers-elsewhere.js';
import { RetentionPolicy } from './retention-policy.js';
import { RunningTotals } from './running-totals.js';
import { SavedChoices } from './saved-choices.js';
import { Seeder, type SeedResult } from './seeder.js';
import {
  deletedSeeds,
  refuseAnotherType,
  refuseDefaultSeedOnForeignStream,
  refuseForeignSeedGroups,
  refuseOverwrittenGuards,
  refuseResetOfForeignStream,
  refuseResetUnderWorkers,
  type StartContext,
} from './start-checks.js';
import { foreignReason, type StreamOwnership } from './stream-ownership.js';
import { StreamReset } from './stream-reset.js';

export type { SeedResult } from './seeder.js';

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
  /**
   * Failures of background work (the continuous producer, the retention policy); both keep trying. The producer
   * tells only when its appends start failing and when they land again.
   */
  readonly onBackgroundError?: (what: string, error: unknown) => void;
}

/** What a claim into a worker here would do to another application's pending entries. */
const CLAIMED_HERE =
  'the entries its consumers hold, claimed into a worker here, would be acked with the demo handler, their work never done';

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
  /** Where every lifecycle event goes: declared before `history` and `feed`, which are its own. */
  readonly #recorder = new LifecycleRecorder();
  readonly history = this.#recorder.history;
  readonly feed = this.#recorder.feed;
  /**
   * What the read-only tail saw since the last tick: the newest 100, within 128 KB as sent (another application's
   * entries of 100 fields of 1,000 characters are 200 KB each, bounded: 100 of them made a 20 MB tick), the rest
   * counted.
   */
  readonly tailFeed = new TickBuffer<EntryView>(100, undefined, {
    bytesPerTick: 128 * 1024,
    bytesOf: (entry) => Buffer.byteLength(JSON.stringify(entry)),
  });
  readonly options: PipelineOptions & { maxDeliveries: number; reapIntervalMs: number };
  /** Pauses, auto-reap switches and the retention policy, kept in Redis (see `SavedChoices`). */
  readonly #choices: SavedChoices;
  /** Resets, consumer adds and removals and group commands, one at a time and none once closed. */
  readonly #membership = new MembershipChanges();
  readonly #appendGate: AppendGate;
  readonly #requeues: DeadLetterRequeues;
  readonly #totals: RunningTotals;
  #tail: StreamTail | undefined;
  #tailWatched = false;
  readonly #handlers: DemoHandlers;
  readonly #workers: DemoWorkers;
  readonly #elsewhere: ReadersElsewhere;
  readonly #groups: GroupCommands;
  readonly #consumers: ConsumerCommands;
  readonly #seeder: Seeder;
  readonly #streamReset: StreamReset;

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
    this.#appendGate = new AppendGate(this.stream, this.#recorder);
    this.#requeues = new DeadLetterRequeues({
      deadLetters: this.deadLetters,
      appendGate: this.#appendGate,
      recorder: this.#recorder,
      roomWaitMs: options.requeueRoomWaitMs,
    });
    this.#totals = new RunningTotals(this.stream, this.deadLetters, () => this.#requeues.requeued);
    this.pool = new ConsumerPool(
      this.stream,
      (group, name) => this.#workers.make(group, name),
      this.deadLetters,
      (group, from, to, moved) => this.#handlers.recordHandover(group, from, to, moved),
    );
    const onError = options.onBackgroundError ?? (() => {});
    const ownership = new OwnershipRecheck(() => this.refuseAppendsToForeignStream());
    this.producer = new ContinuousProducer(
      async (events) => {
        await ownership.assertOwn();
        // After failed batches Redis may be back without its data (restarted unpersisted): the next batch makes
        // the stream again, and it must be noted as Streamscope's. Asked only then: a Redis that kept its data
        // answers the same as before.
        if (this.producer.state().failing === null) return this.#appendGate.append(() => events);
        await this.#ownershipNotingANewStream();
        return this.#appendNotingWhatItMade(() => events);
      },
      fakeOrders,
      (error) => onError('producer', error),
    );
    this.retention = new RetentionPolicy(this.stream, (error) => onError('retention', error));
    this.#choices = new SavedChoices({
      stream: this.stream,
      pool: this.pool,
      retention: this.retention,
      reapIntervalMs: this.options.reapIntervalMs,
      log: onError,
      groupsMissing: (groups) => {
        for (const group of groups) this.#workers.recreateGroup(group);
      },
    });
    this.#handlers = new DemoHandlers(
      options.redis,
      options.streamKey,
      (event) => this.#recorder.record(event),
      (line) => onError('guard', line),
    );
    this.#workers = new DemoWorkers({
      stream: this.stream,
      deadLetters: this.deadLetters,
      handlers: this.#handlers,
      choices: this.#choices,
      recorder: this.#recorder,
      membership: this.#membership,
      workers: () => this.pool.workers(),
      processLatencyMs: options.processLatencyMs,
      readCount: options.readCount,
      maxDeliveries: this.options.maxDeliveries,
      log: onError,
    });
    this.#elsewhere = new ReadersElsewhere(this.stream, this.pool);
    this.#groups = new GroupCommands({
      stream: this.stream,
      pool: this.pool,
      choices: this.#choices,
      handlers: this.#handlers,
      elsewhere: this.#elsewhere,
      serially: (task) => this.#membership.serially(task),
      closed: () => this.#membership.closed,
      log: onError,
    });
    this.#consumers = new ConsumerCommands({
      stream: this.stream,
      pool: this.pool,
      choices: this.#choices,
      handlers: this.#handlers,
      elsewhere: this.#elsewhere,
      membership: this.#membership,
    });
    this.#seeder = new Seeder({
      stream: this.stream,
      pool: this.pool,
      choices: this.#choices,
      elsewhere: this.#elsewhere,
      seeds: options.seeds ?? DEMO_SEEDS,
      log: onError,
    });
    this.#streamReset = new StreamReset({
      stream: this.stream,
      deadLetters: this.deadLetters,
      pool: this.pool,
      choices: this.#choices,
      handlers: this.#handlers,
      seeder: this.#seeder,
      appendGate: this.#appendGate,
      producer: this.producer,
      membership: this.#membership,
      recorder: this.#recorder,
      tailFeed: this.tailFeed,
      streamDeleted: () => this.#tail?.streamRemade(),
      totals: this.#totals,
      log: onError,
    });
  }

  /** Each group's running totals since start or its reset, from which the snapshot computes rates. */
  get groupCounters(): ReadonlyMap<string, GroupCounters> {
    return this.#handlers.counters;
  }

  /** This server's resets that began deleting the stream since it started (see `StreamReset.begun`). */
  get resetsBegun(): number {
    return this.#streamReset.begun;
  }

  /** Batches of the group's once-per-ID guard marks Redis refused since they last landed; 0 while they land. */
  guardMarksLost(group: string): number {
    return this.#handlers.guardMarksLost(group);
  }

  /**
   * Deletes the stream (and its DLQ) first when `reset`, then creates the seed groups and starts them. Without
   * reset it also starts every other consumer Redis still has in those groups: one added through the API
   * before a restart may hold pending entries that no one would process otherwise (see `Seeder.seed`).
   */
  async start({
    reset,
    beforeDelete,
    finishingCutOffReset,
  }: {
    reset: boolean;
    /** Called once a reset start's checks have passed, just before it deletes the stream (the startup line). */
    beforeDelete?: () => void;
    /** Called when a start without reset finds a reset cut off part-way, which it finishes instead. */
    finishingCutOffReset?: () => void;
  }): Promise<SeedResult> {
    const checks = this.#startContext();
    await refuseAnotherType(checks);
    // Half the old stream's keys gone, what is left (pauses, a policy, letters) is not a stream to resume.
    const cutOff = !reset && (await this.#streamReset.wasCutOff());
    if (cutOff) finishingCutOffReset?.();
    if (!reset && !cutOff) {
      // The operator's pauses and auto-reapers come back with the consumers: a consumer paused during an
      // incident starts paused (before its first read), not processing again by itself. Only this process's
      // groups and consumers take them; another process's are that process's to bring back.
      const saved = await this.#choices.load();
      const standing = new Set((await this.stream.infoGroups()).map((group) => group.name));
      await refuseForeignSeedGroups(checks, saved.groups, standing);
      // The groups it will run workers in: the seeds, and those of the consumers it ran before.
      const running = [...checks.seeds, ...saved.consumers, ...saved.paused].map(({ group }) => group);
      await refuseOverwrittenGuards(checks, new Set(running));
      const ownership = await this.#choices.ownership();
      refuseDefaultSeedOnForeignStream(checks, ownership);
      // The retention policy comes back before the seeding, so its first XTRIM leaves on the shared connection
      // ahead of the groups' creation and no worker is handed an entry older than the operator asked to keep.
      this.#choices.adopt(saved, ownership);
      // A requeue the last process was cut off in (the entry back, its other letters not yet discarded), or one
      // another server on this stream is in the middle of: those letters go now, before a person sees them listed
      // as if their entry still waited. A tidy-up: failing, it leaves them marked, and the start goes on.
      const finished = await this.deadLetters
        .finishRequeues()
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      if (finished instanceof Error) {
        checks.log(
          `could not finish the unfinished requeues of dead letters (${finished.message}): their entries' other letters stay, each discarded when requeued`,
        );
      } else if (finished.requeues > 0) {
        checks.log(
          `finished ${finished.requeues} unfinished requeue(s) of dead letters: ${finished.merged} other letter(s) of their entries discarded`,
        );
      }
      // Ours: consumers Streamscope ran, as it saved them (a paused one was ours too, whatever version saved it).
      const ours = new Set(
        [...saved.consumers, ...saved.paused].map(({ group, name }) => refKey(group, name)),
      );
      const seeded = await this.#seeder.seed(
        { seedGroups: true, ours },
        new Set(saved.paused.map(({ group, name }) => refKey(group, name))),
        deletedSeeds(checks, saved.deleted, standing),
      );
      this.#choices.startFollowing();
      return seeded;
    }
    await refuseResetUnderWorkers(this.#elsewhere);
    refuseResetOfForeignStream(checks, await this.#choices.ownership());
    if (!cutOff) beforeDelete?.();
    await this.#streamReset.deleteData();
    const seeded = await this.#seeder.seed('none');
    this.#choices.startFollowing();
    return seeded;
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

  /** Demo events a client asked for (a produce, a poison pill); refused on another application's stream. */
  async produce(count: number, eventType?: string): Promise<string[]> {
    // The reference route calls this without `runCommand` (it answers with every ID), so the check is here too.
    if (this.closed) throw shuttingDown();
    // Its look at the stream's ownership notes a stream not there yet, as the producer's does after failures.
    await this.refuseAppendsToForeignStream();
    return this.#appendNotingWhatItMade(() => fakeOrders(count, eventType));
  }

  /** Parks one pending entry in the dead-letter stream by hand (see `deadLetterPending`). */
  deadLetterPending(group: string, id: string): Promise<CommandResults['pending.deadletter']> {
    const { stream, deadLetters } = this;
    return deadLetterPending(
      { stream, deadLetters, choices: this.#choices, handlers: this.#handlers },
      group,
      id,
    );
  }

  /**
   * Puts a dead letter's event back on the stream; `null` when there is no such letter (see
   * `DeadLetterRequeues.requeue`).
   */
  requeue(letterId: string): Promise<SingleRequeueResult | null> {
    return this.#requeues.requeue(letterId);
  }

  /**
   * The stream's groups whose once-per-ID guard knows the entry of dead letter `letterId` as processed: a requeued
   * copy of it is acked there as a duplicate (see `DemoHandlers.processedIn`). Asked before the requeue: its copy,
   * once handled, marks the guards under the original's ID too.
   */
  async groupsThatProcessedLetter(letterId: string): Promise<string[]> {
    // A bare millisecond names the letter at sequence 0, as the requeue reads it.
    const whole = fullEntryId(letterId);
    const after = nextEntryId(whole);
    const [letter] = after === null ? [] : await this.deadLetters.newest(1, after);
    if (letter === undefined || letter.id !== whole || !isEntryId(letter.originalId)) return [];
    const groups = (await this.stream.infoGroups()).map((group) => group.name);
    return this.#handlers.processedIn(groups, { id: letter.originalId, fields: letter.fields });
  }

  /** Puts every dead letter up to and including `through` back (see `DeadLetterRequeues.requeueThrough`). */
  requeueThrough(through: string): Promise<RequeueThroughResult> {
    return this.#requeues.requeueThrough(through);
  }

  /** Totals since start or the last reset. */
  totals(): { produced: number; acked: number; claimed: number; deadLettered: number } {
    return this.#totals.totals();
  }

  /** Set once `close` has begun: the pipeline takes no more commands, as their work would outlive it. */
  get closed(): boolean {
    return this.#membership.closed;
  }

  autoReapEnabled(group: string): boolean {
    return this.#choices.autoReapEnabled(group);
  }

  /**
   * Claims into a worker here (XAUTOCLAIM, one entry by hand) take nothing from another application's group, even
   * one a `--seed` joined: the entries its consumers hold would be acked with the demo handler, never really done.
   */
  refuseClaimsInAnotherApplicationsGroup(group: string): Promise<void> {
    return this.#refuseTakingFromAnotherApplication(group, 'claim');
  }

  /**
   * Switches the group's auto-reaper on or off, and saves that (see `SavedChoices.setAutoReap`). Never on in
   * another application's group: its workers here would reap what that application's consumers hold.
   */
  async setAutoReap(group: string, enabled: boolean): Promise<number> {
    if (enabled) await this.#refuseTakingFromAnotherApplication(group, 'reap');
    return this.#choices.setAutoReap(group, enabled);
  }

  /** Refuses, in another application's group, to `claim` or `reap` what its consumers hold into a worker here. */
  async #refuseTakingFromAnotherApplication(group: string, verb: 'claim' | 'reap'): Promise<void> {
    if (await this.#choices.isAnotherApplicationsGroup(group))
      throw anotherApplicationsGroup(
        group,
        `${CLAIMED_HERE}; its application's consumers are the ones to ${verb} them`,
      );
  }

  /** Sets the standing retention policy (`null` stops it), and saves it (see `SavedChoices.setRetention`). */
  setRetention(maxAgeMs: number | null): Promise<void> {
    return this.#choices.setRetention(maxAgeMs);
  }

  /**
   * This server's running worker of the consumer, for a command about it; refused when another process runs it
   * (see `ConsumerCommands.worker`).
   */
  worker(group: string, name: string): Promise<ConsumerWorker> {
    return this.#consumers.worker(group, name);
  }

  /** Pauses a consumer of this server, saved for a restart (see `ConsumerCommands.pause`). */
  pauseConsumer(group: string, name: string): Promise<void> {
    return this.#consumers.pause(group, name);
  }

  /** Resumes a consumer of this server, saved for a restart (see `ConsumerCommands.resume`). */
  resumeConsumer(group: string, name: string): Promise<void> {
    return this.#consumers.resume(group, name);
  }

  /**
   * Stops everything, deletes the stream, its DLQ and guards, and starts over from the seeds. Resets run one
   * at a time: overlapping, one's delete would land between the other's seeding steps (a double-click on
   * "Reset demo" left a seed group deleted for good).
   */
  reset(): Promise<{ groups: number; consumers: number }> {
    return this.#membership.change(() => this.#streamReset.run());
  }

  /** The groups Streamscope created on the stream, as noted in Redis; `null` when none is. */
  ownedGroups(): Promise<ReadonlySet<string> | null> {
    return this.#choices.ownedGroups();
  }

  /**
   * Refuses demo appends (a produce, a poison pill, the continuous producer) to a stream that is not all
   * Streamscope's: they would reach another application's consumers, and their `MAXLEN ~` trim what those have
   * not read yet.
   */
  async refuseAppendsToForeignStream(): Promise<void> {
    const ownership = await this.#ownershipNotingANewStream();
    const foreign = foreignReason(ownership, this.stream.streamKey);
    if (foreign === null) return;
    throw new CommandError(
      'refused',
      `${foreign}: Streamscope appends demo events only to a stream that is all its own; here they would reach its consumers, and each append's MAXLEN ~ ${this.stream.maxlenApprox ?? 'cap'} would trim entries they have not read`,
    );
  }

  /**
   * The stream's ownership, before an append. Nothing there, nor any note (Redis restarted without its data, say):
   * the append makes the stream, and it is noted as Streamscope's first, as a reset's is. Left unnoted, the next
   * append, and any reset, was refused as on a stream Streamscope never ran on.
   */
  async #ownershipNotingANewStream(): Promise<StreamOwnership> {
    const ownership = await this.#choices.ownership();
    if (!ownership.exists && !ownership.noted) await this.#choices.recordOwned([], [], { stream: true });
    return ownership;
  }

  /**
   * Appends, after the caller's look at the stream's ownership (`#ownershipNotingANewStream`), and notes as
   * Streamscope's a stream the append itself made: the stream and its notes may go between that look and the
   * append (the continuous producer's batch out as Redis came back empty), which then made the stream unnoted,
   * every later produce and reset refused as on a stream Streamscope never ran on. A stream that begins with this
   * append's first entry is the one it made.
   */
  async #appendNotingWhatItMade(make: () => Parameters<EventStream['produceBatch']>[0]): Promise<string[]> {
    const ids = await this.#appendGate.append(make);
    if (ids.length === 0 || (await this.#choices.ownedGroups()) !== null) return ids;
    const [first] = await this.stream.replay('-', '+', 1);
    if (first?.id === ids[0]) await this.#choices.recordOwned([], [], { stream: true });
    return ids;
  }

  /** Starts a consumer, once a reset under way is done (see `ConsumerCommands.add`). */
  addConsumer(group: string, name: string, options: { groupMustExist?: boolean } = {}): Promise<void> {
    return this.#consumers.add(group, name, options);
  }

  /** Refuses, without waiting on anything, a name taken here (see `ConsumerCommands.refuseNameTakenHere`). */
  refuseNameTakenHere(group: string, name: string): void {
    this.#consumers.refuseNameTakenHere(group, name);
  }

  /** Retires a consumer without losing an entry, never during a reset (see `ConsumerCommands.remove`). */
  removeConsumer(group: string, name: string): ReturnType<ConsumerPool['remove']> {
    return this.#consumers.remove(group, name);
  }

  /** A new group (see `GroupCommands.create`), among the membership changes. */
  createGroup(group: string, startId: string): Promise<CommandResults['group.create']> {
    return this.#membership.change(() => this.#groups.create(group, startId));
  }

  /** Moves a group's cursor (see `GroupCommands.setPosition`), among the membership changes. */
  setGroupPosition(group: string, id: string): Promise<CommandResults['group.setid']> {
    return this.#membership.change(() => this.#groups.setPosition(group, id));
  }

  /** Deletes a group (see `GroupCommands.delete`), among the membership changes. */
  deleteGroup(group: string, discardPending: boolean): Promise<CommandResults['group.delete']> {
    return this.#membership.change(() => this.#groups.delete(group, discardPending));
  }

  /** Stops producing and trimming, lets every worker finish and ack its in-flight batch; Redis stays open. */
  async close(): Promise<void> {
    this.#membership.close();
    this.#choices.close();
    this.#requeues.close();
    await this.producer.stop();
    this.retention.set(null);
    await this.#tail?.close();
    await this.pool.close();
  }

  #startContext(): StartContext {
    return {
      stream: this.stream,
      deadLetterKey: this.deadLetters.key,
      seeds: this.#seeder.seeds,
      seedsNamed: this.options.seedsNamed ?? false,
      ownedKey: this.#choices.ownedKey,
      log: (line) => this.options.onBackgroundError?.('seed', line),
    };
  }

  /** Every lifecycle event as it happens (metrics count them). */
  observe(observer: (event: LifecycleEventView) => void): void {
    this.#recorder.observe(observer);
  }
}
