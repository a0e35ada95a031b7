import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { assertInteger, assertName, assertTimerMs } from './arguments.js';
import { closeRedis, dropConnection, guardOpenedConnection, onConnectionClose } from './connection.js';
import type {
  ConsumerWorkerEvents,
  DeliveryContext,
  DeliverySource,
  EntryHandler,
  HandledAlready,
} from './consumer-worker-events.js';
import {
  type ConsumerWorkerOptions,
  type ConsumerWorkerSettings,
  resolveWorkerOptions,
} from './consumer-worker-options.js';
import { DeadLetterWriter } from './dead-letter-writer.js';
import type { DeadLetters } from './dead-letters.js';
import { EntriesInHand, type Handled, type Taken } from './entries-in-hand.js';
import { WorkerClosedError } from './errors.js';
import { assertEventStream, type EventStream } from './event-stream.js';
import { describeThrown, isThenable } from './guarded-emit.js';
import { InFlight } from './in-flight.js';
import { type Failure, InProcessPeers, type PeerView, type TrimmedJudge } from './in-process-peers.js';
import { compareEntryIds, fullEntryId } from './stream-ids.js';
import type { ClaimOneResult, StreamEntry } from './types.js';
import { workerConnectionName } from './worker-connections.js';
import { type RecentOutcome, WorkerReporter } from './worker-reporter.js';

// Defined beside the ring that keeps them (`WorkerReporter`); public from here, as before.
export type { RecentOutcome } from './worker-reporter.js';

/**
 * The `reason` of a `delivered` event read from the worker's own pending list (on start, after a reconnect, or once
 * a handover gave it entries): a second delivery no claim explains, said where it came from.
 */
export const OWN_PEL_REASON = 'read again from its own pending list';

export type WorkerState = 'new' | 'running' | 'closing' | 'closed';

export interface WorkerStatus {
  readonly group: string;
  readonly name: string;
  readonly state: WorkerState;
  readonly paused: boolean;
  /** Running and its blocking connection is up. */
  readonly alive: boolean;
  /** Deliveries still to be dropped by `crashNext`. */
  readonly crashQueued: number;
  /** Entries it has read or claimed and not yet acked: being handled, or handled with their XACK to come. */
  readonly inHand: number;
  /** Entries handled and acked; those the handler said were duplicates count in `duplicates` instead. */
  readonly processed: number;
  readonly duplicates: number;
  readonly reaped: number;
  readonly crashedDrops: number;
  readonly failures: number;
  readonly deadLettered: number;
  /** The auto-reaper's interval, `null` when off. */
  readonly autoReapMs: number | null;
  /**
   * The latest failure (`operation: message`), until that operation next succeeds (the auto-reaper's, until it
   * is switched off too); `null` when all is well.
   */
  readonly lastError: string | null;
}

export interface ReapResult {
  readonly claimed: number;
  readonly processed: number;
  /**
   * Pending IDs whose payload was trimmed: those idle past the claim threshold, and those delivered lately
   * that no worker of this process holds. Nothing is left to process; they were dead-lettered when a DLQ is
   * set.
   */
  readonly deletedIds: string[];
  /** Claimed entries that had reached `maxDeliveries`: moved to the DLQ instead of handled again. */
  readonly deadLettered: number;
}

/** What `claimEntry` did: the entry claimed and what became of it here, or why it was not claimed. */
export type ClaimEntryResult =
  | {
      readonly claimed: true;
      readonly id: string;
      /** The consumer that held it. */
      readonly from: string;
      readonly deliveryCount: number;
      /** Handled and acked here (a duplicate the guard knew included); `false`: it failed or was dropped. */
      readonly processed: boolean;
      /** It had reached `maxDeliveries`: moved to the DLQ instead of handled again. */
      readonly deadLettered: boolean;
    }
  | Exclude<ClaimOneResult, { claimed: true }>
  | {
      readonly claimed: false;
      /** A worker of this process is handling it: claimed, it would run twice at once. */
      readonly reason: 'in-hand';
      readonly holder: string;
    };

/** What `#process` made of a batch: the entries to ack, and how many it dead-lettered instead. */
interface Processed {
  readonly handled: Handled[];
  readonly deadLettered: number;
}

const INITIAL_BACKOFF_MS = 50;
/** How many entries' last handler failure a worker remembers, for the reason of their dead letter. */
const LAST_FAILURES_MAX = 1_000;

/**
 * One consumer of a group: `XREADGROUP >` on its own blocking connection -> handler -> one XACK per batch.
 *
 * @example
 *   const worker = new ConsumerWorker(stream, 'notifications', 'worker-a', {
 *     handler: async (entry) => sendEmail(entry.fields),
 *   });
 *   worker.on('acked', (event) => console.log('acked', event.id));
 *   await worker.start();
 *   // ... later: take over entries a crashed peer left idle, then stop after the in-flight batch.
 *   await worker.reapIdlePel();
 *   await worker.close();
 */
export class ConsumerWorker extends EventEmitter<ConsumerWorkerEvents> {
  readonly group: string;
  readonly name: string;
  readonly #stream: EventStream;
  readonly #handler: EntryHandler;
  readonly #handledAlready: HandledAlready | null;
  readonly #options: ConsumerWorkerSettings;
  readonly #deadLetters: DeadLetters | null;
  readonly #reporter: WorkerReporter;
  /** What this worker has read or claimed and not yet acked, and its acks. */
  readonly #hand: EntriesInHand;
  readonly #letters: DeadLetterWriter;
  /** The last handler failure per entry, so a dead letter says what kept going wrong. */
  readonly #lastFailure = new LRUCache<string, Failure>({ max: LAST_FAILURES_MAX });
  #reapTimer: NodeJS.Timeout | undefined;
  #reapIntervalMs: number | null;

  #state: WorkerState = 'new';
  #connection: Redis | undefined;
  #reader: EventStream | undefined;
  #loop: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #reaps = new Set<Promise<unknown>>();
  #stop = new AbortController();
  /** Reads and acks on this worker's own connection, given up on if Redis drops it while closing. */
  readonly #ownCommands = new InFlight();
  /**
   * Reaps' and dead letters' commands on the stream's shared connection, given up on if it is down while
   * closing: one the library opened from a URL keeps commands queued through ~20 reconnect attempts.
   */
  readonly #sharedCommands = new InFlight();

  #paused = false;
  #resume: (() => void) | undefined;
  #reading = false;
  /** Closing dropped the read loop's live connection to end a read (see `#cutRead`): what is left to ack goes elsewhere. */
  #readCut = false;
  /** The read loop's XREADGROUP in flight, sent or blocked: `pause()` waits for it to end. */
  #loopRead: Promise<unknown> | undefined;
  /** The blocking connection's CLIENT ID, for CLIENT UNBLOCK; `null` until known on each (re)connect. */
  #clientId: number | null = null;
  /** Callers of `connectionId()` waiting for the connection to be up. */
  readonly #idWaiters = new Set<{ resolve: (id: number) => void; reject: (error: Error) => void }>();
  #needsPelDrain = true;
  readonly #peers: InProcessPeers;
  /** What this worker shows its peers (see `InProcessPeers`). */
  readonly #asPeer: PeerView = {
    consumer: () => this.name,
    source: () => this.#stream,
    held: () => this.#hand.held(),
    readsInFlight: () => this.#hand.readsInFlight(),
    watchAcks: (acked) => this.#hand.watchAcks(acked),
    lastFailure: (id) => this.#lastFailure.get(id),
    droppedFromPel: (id) => this.#hand.markDroppedFromPel(id),
  };
  #crashQueued = 0;
  #reaped = 0;
  #crashedDrops = 0;
  #failures = 0;

  constructor(stream: EventStream, group: string, name: string, options: ConsumerWorkerOptions = {}) {
    super();
    assertEventStream(stream, 'ConsumerWorker');
    assertName(group, 'group');
    assertName(name, 'consumer name');
    const { handler, deadLetters, reapIntervalMs, handledAlready, settings } = resolveWorkerOptions(
      options,
      stream.streamKey,
    );
    this.#deadLetters = deadLetters;
    this.#reapIntervalMs = reapIntervalMs;
    this.#stream = stream;
    this.group = group;
    this.name = name;
    this.#handler = handler;
    this.#handledAlready = handledAlready;
    this.#options = settings;
    this.#reporter = new WorkerReporter(this, group, name, settings.recentCapacity);
    this.#hand = new EntriesInHand(this.#reporter);
    this.#letters = new DeadLetterWriter({
      deadLetters,
      group,
      consumer: name,
      commands: this.#sharedCommands,
      reporter: this.#reporter,
      hand: this.#hand,
    });
    this.#peers = new InProcessPeers(stream.redis, stream.streamKey, group);
  }

  /** Opens the worker's own connection and starts the read loop; its own PEL is drained first. */
  async start(): Promise<void> {
    if (this.#state !== 'new') {
      if (this.#state === 'running') return;
      throw new WorkerClosedError(`worker ${this.group}/${this.name} was closed and cannot start again`);
    }
    // Refused before anything starts when another worker here reads as this consumer already.
    this.#peers.join(this.#asPeer);
    this.#state = 'running';
    const connection = this.#stream.redis.duplicate({
      connectionName: workerConnectionName(this.#stream.streamKey, this.group, this.name),
    });
    // Every reconnect may have lost replies to reads: entries Redis delivered but we never saw. The first
    // connect lost none: the drain due since construction is what waits to be sent on it, and asking again
    // ran a second drain right behind it, handling a still-failing entry twice and spending two deliveries.
    let connectedBefore = false;
    connection.on('ready', () => {
      if (connectedBefore) this.#needsPelDrain = true;
      connectedBefore = true;
      connection.client('ID').then(
        (id) => {
          this.#clientId = Number(id);
          for (const waiter of this.#idWaiters) waiter.resolve(this.#clientId);
          this.#idWaiters.clear();
        },
        () => {},
      );
    });
    connection.on('close', () => {
      this.#clientId = null;
    });
    // The read loop reports failures through its own 'error' events. A blocked read cut by a drop fails rather
    // than being sent again on the new connection, where it blocked ahead of the PEL drain a reconnect calls for,
    // and of the CLIENT ID that `pause()` unblocks reads with (a pause then waited out the whole blockMs). What it
    // may have delivered, the drain reads back.
    guardOpenedConnection(connection);
    this.#connection = connection;
    this.#reader = this.#stream.withConnection(connection);
    // The loop catches its own failures; this is the last guard, so it never rejects unhandled.
    this.#loop = this.#run().catch((error: unknown) => this.#reporter.reportError('loop', error));
    this.setAutoReap(this.#reapIntervalMs);
  }

  /**
   * The Redis client ID of this worker's blocking connection, once it is up (it waits for that). Redis lists the
   * connection under the consumer's name (see `connectedWorkers`); the ID tells it from another process's worker
   * under the same name. A reconnect changes it. Rejects with `WorkerClosedError` unless the worker is running,
   * and when it closes first.
   *
   * @example
   *   const id = await worker.connectionId();
   *   const twins = (await connectedWorkers(redis)).filter(
   *     (other) => other.group === worker.group && other.consumer === worker.name && other.id !== id,
   *   );
   */
  connectionId(): Promise<number> {
    if (this.#state !== 'running') {
      return Promise.reject(new WorkerClosedError(`worker ${this.group}/${this.name} is not running`));
    }
    const known = this.#clientId;
    if (known !== null) return Promise.resolve(known);
    return new Promise((resolve, reject) => this.#idWaiters.add({ resolve, reject }));
  }

  /**
   * Turns the auto-reaper on (XAUTOCLAIM of idle entries to this consumer every `intervalMs`) or off (`null`).
   * A reap still running when the next is due is not doubled. It skips its turns while the worker is paused:
   * a paused consumer takes on nothing more (an explicit `reapIdlePel()` still runs). Turning it on for a worker
   * closing or closed throws `WorkerClosedError`.
   */
  setAutoReap(intervalMs: number | null): void {
    if (intervalMs !== null) assertTimerMs(intervalMs, 'reapIntervalMs', 1);
    // Taken silently, it showed in status() as on, with nothing to reap. Off is off whatever the state.
    if (intervalMs !== null) this.#assertNotClosed('given an auto-reaper');
    this.#reapIntervalMs = intervalMs;
    // Switched off, the auto-reaper fails no more: its last failure (a NOGROUP while Redis came back without the
    // group, say) would otherwise stand in status() for good, as nothing reaps to clear it.
    if (intervalMs === null) this.#reporter.recovered('reap');
    if (this.#reapTimer) clearInterval(this.#reapTimer);
    this.#reapTimer = undefined;
    if (intervalMs === null || this.#state !== 'running') return;
    this.#reapTimer = setInterval(() => {
      if (this.#state !== 'running' || this.#paused || this.#reaps.size > 0) return;
      this.reapIdlePel().catch((error: unknown) => this.#reporter.reportError('reap', error));
    }, intervalMs);
    this.#reapTimer.unref();
  }

  get autoReapMs(): number | null {
    return this.#reapIntervalMs;
  }

  /**
   * Stops reading at once: a blocked read is ended empty-handed, so nothing more is delivered to this
   * consumer, and the auto-reaper claims nothing. Entries already delivered are still processed and acked.
   * Resolves once Redis has ended the block, so whatever is appended afterwards stays undelivered.
   */
  async pause(): Promise<void> {
    this.#assertNotClosed('paused');
    this.#paused = true;
    const read = this.#loopRead;
    // A read still behind its batch's XACK is unblocked by the loop once the XACK is answered.
    await this.#unblockRead();
    await read?.catch(() => {});
  }

  /**
   * Ends a blocked XREADGROUP as if its block had timed out, from the shared connection: with `TIMEOUT` Redis
   * delivers nothing, whereas closing the connection could lose a reply that carried entries.
   */
  async #unblockRead(): Promise<void> {
    if (!this.#reading || this.#clientId === null) return;
    await this.#stream.redis.call('CLIENT', 'UNBLOCK', String(this.#clientId), 'TIMEOUT').catch(() => {});
  }

  resume(): void {
    this.#assertNotClosed('resumed');
    this.#paused = false;
    this.#resume?.();
  }

  /**
   * Re-reads this consumer's own PEL before its next read: call it after entries were handed to this
   * consumer (XCLAIM), which does not deliver them by itself. At most one block interval later.
   */
  requestPelDrain(): void {
    this.#needsPelDrain = true;
  }

  /** Drops the next `count` deliveries without ack, as a worker dying mid-message would. */
  crashNext(count: number): void {
    assertInteger(count, 'crash count', 1);
    this.#assertNotClosed('given crashes');
    this.#crashQueued += count;
  }

  /** A closed worker reads nothing again: a pause or crash asked of it did nothing, silently, where start() threw. */
  #assertNotClosed(what: string): void {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new WorkerClosedError(`worker ${this.group}/${this.name} was closed and cannot be ${what}`);
    }
  }

  /**
   * XAUTOCLAIM of the group's entries idle past the stream's `claimMinIdleMs` to this consumer,
   * then process and ack them like new entries: the textbook recovery of a crashed peer's work.
   */
  async reapIdlePel(): Promise<ReapResult> {
    if (this.#state !== 'running') {
      throw new WorkerClosedError(`worker ${this.group}/${this.name} is not running`);
    }
    const reap = this.#reap();
    this.#reaps.add(reap);
    try {
      const result = await reap;
      // By hand or on the timer, a reap that worked ends the auto-reaper's last failure in status().
      this.#reporter.recovered('reap');
      return result;
    } finally {
      this.#reaps.delete(reap);
    }
  }

  /**
   * XCLAIM of one of the group's pending entries, idle past the stream's `claimMinIdleMs`, to this consumer (see
   * `EventStream.claimOne`), then handled and acked here like a reaped one: the per-entry form of
   * `reapIdlePel`, for the one entry an operator picked. Refused while a worker of this process has it in hand.
   *
   * @example
   *   const outcome = await workerB.claimEntry('1712345678901-0');
   *   if (!outcome.claimed) console.log('not claimed:', outcome.reason);
   */
  async claimEntry(id: string): Promise<ClaimEntryResult> {
    if (this.#state !== 'running') {
      throw new WorkerClosedError(`worker ${this.group}/${this.name} is not running`);
    }
    // Among the reaps: close() waits for it, and the auto-reaper does not start one meanwhile.
    const claim = this.#claimEntry(id);
    this.#reaps.add(claim);
    try {
      return await claim;
    } finally {
      this.#reaps.delete(claim);
    }
  }

  async #claimEntry(id: string): Promise<ClaimEntryResult> {
    const holder = this.#peers.holder(fullEntryId(id));
    if (holder !== undefined && holder !== this.name) return { claimed: false, reason: 'in-hand', holder };
    const { result, taken } = await this.#hand.take(
      () => this.#sharedCommands.track(this.#stream.claimOne(this.group, id, this.name)),
      (outcome) => (outcome.claimed ? [outcome.entry] : []),
    );
    if (!result.claimed) return result;
    const { entry, from, deliveryCount } = result;
    // Where it came from, which a reap's claims cannot say (XAUTOCLAIM does not name the consumers it takes from).
    this.#reporter.emit('claimed', entry.id, deliveryCount, entry.fields.type, `from ${from}`);
    this.#reaped += 1;
    const claimed = { claimed: true, id: entry.id, from, deliveryCount } as const;
    // Acked here while the claim was out: done already.
    if (taken.length === 0) return { ...claimed, processed: false, deadLettered: false };
    const batch = await this.#process(taken, 'claim', new Map([[entry.id, deliveryCount]]));
    const processed = await this.#ack(this.#stream, batch.handled);
    return { ...claimed, processed: processed > 0, deadLettered: batch.deadLettered > 0 };
  }

  /**
   * Claims one page of idle entries, handles and acks it a batch (`count`) at a time, then claims the next page
   * from the cursor. Claimed all at once, a sweep's later entries sat idle in this consumer's PEL while the first
   * were handled, and every handled one waited for the sweep's one XACK: past the claim threshold, peers' reapers
   * took them back, bumping their delivery counts toward the DLQ and running them again as duplicates. Closing
   * stops it after the batch in hand; what it claimed and did not reach stays pending, for the next reap. A pause
   * part-way lets it finish the page it claimed but claim no other: a paused consumer takes on nothing more.
   */
  async #reap(): Promise<ReapResult> {
    await this.#letters.retryUnwrittenLetters();
    const { count, reapPageCount: pageCount, reapMaxPages } = this.#options;
    const deletedIds: string[] = [];
    let claimed = 0;
    let processed = 0;
    let deadLettered = 0;
    let cursor = '0-0';
    // Asked for while paused, a reap runs (see `setAutoReap`); paused since it began, it stops taking pages.
    const pausedAtStart = this.#paused;
    const goOn = () => !this.#stop.signal.aborted && (pausedAtStart || !this.#paused);
    for (let page = 0; page < reapMaxPages && goOn(); page++) {
      const claim = { pageCount, maxPages: 1, startId: cursor };
      // Entries a peer here has in hand (its read batch waiting its turn, its last entries idle past the claim
      // threshold meanwhile), or acked while the claim was out, are claimed all the same, but left to it: run here
      // too, one entry's work ran twice at once, neither run a duplicate. In this consumer's PEL until that peer
      // acks them, one it lets go stays there, to be reaped.
      const { result, taken, lost, leftToPeers } = await this.#readJudgingTrimmed(
        ({ held }) =>
          this.#sharedCommands.track(
            this.#deadLetters
              ? // What a worker here holds is judged here, not lettered by the script on its idle time alone.
                this.#deadLetters.autoclaim(this.group, this.name, { ...claim, heldByCaller: held })
              : this.#stream.autoclaim(this.group, this.name, claim),
          ),
        (result) => result.claimed,
        true,
      );
      // Trimmed while abandoned: dead-lettered by the claim itself.
      for (const { id, consumer, deliveryCount } of result.deadLettered) {
        const said = this.#letters.trimmedWords(consumer);
        this.#reporter.settle('deleted', id, deliveryCount, null, said.deleted, null);
        this.#letters.noteDeadLettered(id, deliveryCount, said.lettered, null);
      }
      // Trimmed while delivered lately: XAUTOCLAIM has already dropped them from the PEL; those no worker here
      // holds are lost. Their delivery counts are the claim's to tell: no XPENDING has them after it.
      await this.#letters.deletedWhilePending(
        lost,
        false,
        result.deletedDeliveryCounts,
        result.deletedHolders,
      );
      deletedIds.push(...result.deadLettered.map(({ id }) => id), ...lost);
      const claimedNow = [...taken, ...leftToPeers];
      const counts = await this.#deliveryCounts(
        this.#stream,
        claimedNow.map((entry) => entry.id),
      );
      for (const entry of claimedNow)
        this.#reporter.emit('claimed', entry.id, counts.get(entry.id) ?? null, entry.fields.type);
      this.#reaped += claimedNow.length;
      claimed += claimedNow.length;
      for (let at = 0; at < taken.length; at += count) {
        if (this.#stop.signal.aborted) {
          await this.#leaveUnhandled(taken.slice(at), counts);
          break;
        }
        const batch = await this.#process(taken.slice(at, at + count), 'claim', counts);
        deadLettered += batch.deadLettered;
        processed += await this.#ack(this.#stream, batch.handled);
      }
      cursor = result.cursor;
      if (cursor === '0-0') break;
    }
    return { claimed, processed, deletedIds, deadLettered };
  }

  /**
   * Claimed entries a closing reap does not handle: they stay in this consumer's PEL, for a restart's PEL drain
   * or a peer's reap, and leave its hands. One a peer's claim found trimmed is in no PEL any more: its letter.
   */
  async #leaveUnhandled(entries: readonly StreamEntry[], counts: ReadonlyMap<string, number>): Promise<void> {
    for (const entry of entries) {
      this.#hand.release(entry.id);
      await this.#letters.letterIfDropped(
        entry,
        counts.get(entry.id) ?? null,
        'left unhandled as its consumer closed',
      );
    }
  }

  /**
   * Stops reading (interrupting a blocked read), waits for in-flight handlers and their acks, disconnects.
   * Handlers learn of it through their context's `signal`, which aborts now: `close()` waits for each, so one
   * that never settles, and does not heed the signal, keeps it waiting. Idempotent: every call returns the
   * same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const wasRunning = this.#state === 'running';
    this.#state = 'closing';
    if (this.#reapTimer) clearInterval(this.#reapTimer);
    this.#reapTimer = undefined;
    this.#stop.abort();
    this.#resume?.();
    for (const waiter of this.#idWaiters) {
      waiter.reject(
        new WorkerClosedError(`worker ${this.group}/${this.name} closed before its connection was up`),
      );
    }
    this.#idWaiters.clear();
    // A connection that is down now, or that Redis drops while closing, will not answer what is in flight.
    // (Not when the drop is ours, below: a command on a connection closed while ready is rejected at once.)
    // What is left unacked stays pending in Redis, to be redelivered.
    const connection = this.#connection;
    const shared = this.#stream.redis;
    const away = () => new WorkerClosedError(`worker ${this.group}/${this.name} closed while Redis was away`);
    let disconnecting = false;
    const giveUpIfLost = () => {
      if (!disconnecting && connection?.status !== 'ready') this.#ownCommands.abandon(away());
    };
    const giveUpSharedIfLost = () => {
      if (shared.status !== 'ready') this.#sharedCommands.abandon(away());
    };
    giveUpIfLost();
    giveUpSharedIfLost();
    connection?.on('close', giveUpIfLost);
    const stopWatchingShared = onConnectionClose(shared, giveUpSharedIfLost);
    // A blocked XREADGROUP only returns when data arrives or the block times out; closing its connection
    // is the prompt way out. Anything Redis delivered meanwhile stays in this consumer's PEL.
    if (this.#reading) {
      disconnecting = true;
      this.#cutRead();
    }
    if (wasRunning) {
      try {
        await this.#loop;
      } catch {
        // the loop reports its own failures
      }
      // Reaps run on the stream's shared connection; their commands are given up on if it is down.
      await Promise.allSettled([...this.#reaps]);
      connection?.off('close', giveUpIfLost);
      if (connection) await closeRedis(connection);
    }
    stopWatchingShared();
    this.#state = 'closed';
    this.#peers.leave(this.#asPeer);
  }

  status(): WorkerStatus {
    return {
      group: this.group,
      name: this.name,
      state: this.#state,
      paused: this.#paused,
      alive: this.#state === 'running' && this.#connection?.status === 'ready',
      crashQueued: this.#crashQueued,
      inHand: this.#hand.size,
      processed: this.#hand.processed,
      duplicates: this.#hand.duplicates,
      reaped: this.#reaped,
      crashedDrops: this.#crashedDrops,
      failures: this.#failures,
      deadLettered: this.#letters.deadLettered,
      autoReapMs: this.#reapIntervalMs,
      lastError: this.#reporter.lastError,
    };
  }

  /** The last `recentCapacity` outcomes, oldest first. */
  recent(): RecentOutcome[] {
    return this.#reporter.recent();
  }

  async #run(): Promise<void> {
    const reader = this.#reader;
    if (!reader) return;
    let handled: Handled[] = [];
    /** A read sent without BLOCK as the batch before it arrived; its entries are this consumer's now. */
    let prefetched: Promise<Taken<unknown>> | undefined;
    // A full batch says more is waiting: the next is asked for at once, without BLOCK, so that Redis prepares
    // it while this one is handled, instead of each side waiting for the other in turn. At once means as Redis
    // answers, before the batch is parsed: asked for after the parse, the next waited while the client parsed
    // a thousand entries and heard the previous XACK, Redis idle meanwhile, ~1.4 ms a batch. Only when the
    // loop has taken this read from `prefetched` to wait for it, so that no more than one batch waits behind
    // the one in hand; one that arrives while a handler is still at work waits in `prefetched`, and the loop
    // asks for the next once it takes it, below.
    const readAhead = (): Promise<Taken<unknown>> =>
      this.#readAhead(reader, (size) => {
        if (!prefetched && size === this.#options.count && this.#mayReadAhead()) {
          prefetched = readAhead();
        }
      });
    let backoffMs = INITIAL_BACKOFF_MS;
    while (!this.#stop.signal.aborted) {
      if (this.#paused && !prefetched) {
        await this.#ack(reader, handled);
        handled = [];
        await this.#waitForResume();
        continue;
      }
      try {
        if (this.#needsPelDrain && !prefetched) {
          await this.#ack(reader, handled);
          handled = [];
          this.#needsPelDrain = false;
          await this.#drainOwnPel(reader);
          continue;
        }
        // The batch's XACK goes before a blocking XREADGROUP, which it would otherwise wait behind; sent
        // together, they cost one round trip on this connection.
        const acked = this.#ack(reader, handled);
        handled = [];
        const blocking = !prefetched;
        const read =
          prefetched ??
          this.#readNew(
            () => reader.consume(this.group, this.name, this.#options.count, this.#options.blockMs),
            (entries) => entries,
          );
        prefetched = undefined;
        await acked;
        if (blocking) {
          this.#reading = true;
          if (this.#stop.signal.aborted) this.#cutRead();
          // Paused while the XACK was out: the read behind it has reached Redis by now, so it can be unblocked.
          if (this.#paused) void this.#unblockRead();
        }
        let entries: StreamEntry[];
        try {
          // Only a reaper running beside this loop with a claim threshold near 0 can have got there first.
          entries = (await this.#ownCommands.track(read)).taken;
        } finally {
          this.#reading = false;
          // A read-ahead sent as this one arrived is the one `pause()` waits for now.
          if (this.#loopRead === read) this.#loopRead = undefined;
        }
        // Closing or not, what a read returned was delivered to this consumer: it is handled below, and the
        // loop ends before reading again.
        backoffMs = INITIAL_BACKOFF_MS;
        this.#reporter.recovered('read');
        if (!prefetched && entries.length === this.#options.count && this.#mayReadAhead()) {
          prefetched = readAhead();
        }
        ({ handled } = await this.#process(entries, 'new', null));
      } catch (error) {
        if (this.#stop.signal.aborted) break;
        this.#needsPelDrain = true;
        this.#reporter.reportError('read', error);
        await sleep(backoffMs, undefined, { signal: this.#stop.signal }).catch(() => {});
        backoffMs = Math.min(backoffMs * 2, this.#options.maxBackoffMs);
      }
    }
    // Closing with a batch read ahead: it was delivered to this consumer, so it is handled, not left pending. The
    // batch in hand is acked first: acked with it, a stop cut short meanwhile (a process's deadline) lost the
    // work done on both, and a peer ran them again.
    if (prefetched) {
      const read = prefetched;
      await this.#ackAsClosing(reader, handled);
      const entries = await this.#ownCommands.track(read).then(
        ({ taken }) => taken,
        () => [],
      );
      handled = (await this.#process(entries, 'new', null)).handled;
    }
    await this.#ackAsClosing(reader, handled);
  }

  /**
   * The last acks of a closing loop. A read cut short by dropping its connection may in fact have come back with
   * entries, handled since: their XACK goes on the stream's shared connection, the loop's being gone. Sent on the
   * dropped one, it failed, and a peer taking the entries over ran each a second time. Unacked if Redis is away:
   * the entries stay pending, to be redelivered, rather than close() hanging.
   */
  async #ackAsClosing(reader: EventStream, handled: Handled[]): Promise<void> {
    await this.#ack(this.#readCut ? this.#stream : reader, handled).catch(() => {});
  }

  /**
   * Ends the loop's read at once as it closes, by dropping the connection the read waits on. Noted only while
   * Redis answers there: with it away, what is left to ack stays pending rather than queue on the shared
   * connection, to be acked behind the back of whoever takes the entries over once it is back.
   */
  #cutRead(): void {
    if (!this.#connection) return;
    this.#readCut = this.#connection.status === 'ready';
    dropConnection(this.#connection);
  }

  /** Whether the loop may read on without BLOCK: not paused, not closing, and its PEL not due for a drain. */
  #mayReadAhead(): boolean {
    return !this.#paused && !this.#needsPelDrain && !this.#stop.signal.aborted;
  }

  /** Sends the loop's `XREADGROUP >`; it is the read that `pause()` waits for. */
  #readNew<T>(
    send: () => Promise<T>,
    entriesOf: (result: T) => readonly StreamEntry[],
    onReply?: (result: T) => void,
  ): Promise<Taken<T>> {
    // An ID a `>` read hands out is pending anew whatever this worker acked meanwhile: only a cursor moved back
    // (XGROUP SETID) delivers one again, and the XACK sent with this read ran before it. Left out as acked, it
    // would stay pending for good.
    const read = this.#hand.take(send, entriesOf, onReply, { keepAcked: true });
    this.#loopRead = read;
    // Awaited later; marked handled now so a rejection while other work is still out is not "unhandled".
    read.catch(() => {});
    return read;
  }

  /**
   * The next batch of a backlog, without BLOCK, in the way `catchUpReads` chose; `onSize` hears how many
   * entries Redis delivered before they are parsed (plain reads are parsed by ioredis first).
   */
  #readAhead(reader: EventStream, onSize: (size: number) => void): Promise<Taken<unknown>> {
    const { count, catchUpReads } = this.#options;
    if (catchUpReads === 'plain') {
      return this.#readNew(
        () => reader.consume(this.group, this.name, count, null),
        (entries) => entries,
        (entries) => onSize(entries.length),
      );
    }
    return this.#readNew(
      () => reader.consumeBacklogBatch(this.group, this.name, count),
      (batch) => batch.entries(),
      (batch) => onSize(batch.size),
    );
  }

  /**
   * Re-reads this consumer's own PEL (`XREADGROUP ... 0`) page by page: entries delivered before a restart
   * or a lost reply. Only on start and reconnect: doing it every loop would reset their idle time forever.
   */
  async #drainOwnPel(reader: EventStream): Promise<void> {
    let cursor = '0-0';
    while (!this.#stop.signal.aborted) {
      const {
        result: { entries: read, deletedIds },
        taken: entries,
        lost,
      } = await this.#readJudgingTrimmed(
        () =>
          this.#ownCommands.track(reader.consumeOwnPel(this.group, this.name, this.#options.count, cursor)),
        (result) => result.entries,
        // XREADGROUP ... 0 reports trimmed IDs but leaves them pending.
        false,
      );
      if (read.length === 0 && deletedIds.length === 0) return;
      // One XPENDING for the delivery counts of both the entries to handle and those trimmed: still in this PEL,
      // the trimmed ones have theirs there too, for their letters.
      const counts = await this.#deliveryCounts(reader, [...entries.map((entry) => entry.id), ...lost]);
      if (lost.length > 0) {
        // Their payload is gone, so no handler can run. Still in this PEL, they are dead-lettered and acked in
        // one step (one that failed leaves them pending for the next drain); without a DLQ, only acked.
        await this.#letters.deletedWhilePending(lost, true, counts);
        if (!this.#deadLetters) await this.#ownCommands.track(reader.ack(this.group, lost));
      }
      await this.#ack(reader, (await this.#process(entries, 'own-pel', counts)).handled);
      cursor = [...read.map((entry) => entry.id), ...deletedIds].reduce((a, b) =>
        compareEntryIds(a, b) > 0 ? a : b,
      );
    }
  }

  /** Runs the handler on each entry in order; returns the ones to ack, and how many went to the DLQ instead. */
  async #process(
    entries: readonly StreamEntry[],
    source: DeliverySource,
    counts: ReadonlyMap<string, number> | null,
  ): Promise<Processed> {
    const handled: Handled[] = [];
    let deadLettered = 0;
    for (const entry of entries) {
      // `>` reads are always first deliveries; other sources were looked up in XPENDING.
      const deliveryCount = counts ? (counts.get(entry.id) ?? null) : 1;
      const eventType = entry.fields.type;
      this.#reporter.emit(
        'delivered',
        entry.id,
        deliveryCount,
        eventType,
        source === 'own-pel' ? OWN_PEL_REASON : null,
      );
      const context: DeliveryContext = {
        streamKey: this.#stream.streamKey,
        group: this.group,
        consumer: this.name,
        deliveryCount,
        source,
        signal: this.#stop.signal,
      };
      const maxDeliveries = this.#options.maxDeliveries;
      if (this.#deadLetters && deliveryCount !== null && deliveryCount >= maxDeliveries) {
        if (await this.#wasHandledAlready(entry, context)) {
          handled.push({ entry, deliveryCount, duplicate: true });
          continue;
        }
        const lastFailure = this.#peers.lastFailure(entry.id);
        const reason = `delivery count ${deliveryCount} reached maxDeliveries ${maxDeliveries}${lastFailure ? `; last failure: ${lastFailure}` : ''}`;
        if (await this.#letters.letterAtLimit(entry, deliveryCount, reason)) deadLettered += 1;
        this.#hand.release(entry.id);
        continue;
      }
      if (this.#crashQueued > 0) {
        this.#crashQueued -= 1;
        this.#crashedDrops += 1;
        this.#hand.release(entry.id);
        this.#reporter.settle('dropped', entry.id, deliveryCount, eventType, null, entry.fields);
        await this.#letters.letterIfDropped(entry, deliveryCount, 'dropped without ack (crashNext)');
        continue;
      }
      try {
        if (this.#options.processLatencyMs > 0) await sleep(this.#options.processLatencyMs);
        const done = this.#handler(entry, context);
        // Awaiting a plain return would still cost a turn of the microtask queue, once per entry.
        const outcome = isThenable(done) ? await done : done;
        handled.push({ entry, deliveryCount, duplicate: outcome === 'duplicate' });
      } catch (error) {
        this.#hand.release(entry.id);
        this.#failures += 1;
        const reason = describeThrown(error);
        this.#lastFailure.set(entry.id, { reason, at: Date.now() });
        this.#reporter.settle('failed', entry.id, deliveryCount, eventType, reason, entry.fields);
        await this.#letters.letterIfDropped(entry, deliveryCount, `last failure: ${reason}`);
      }
    }
    return { handled, deadLettered };
  }

  /**
   * The `handledAlready` option's answer for an entry at the delivery limit; `false` without it. One that throws
   * is an `error` event and the entry is dead-lettered: a letter too many can be discarded, a loss not undone.
   */
  async #wasHandledAlready(entry: StreamEntry, context: DeliveryContext): Promise<boolean> {
    if (!this.#handledAlready) return false;
    try {
      const handled = (await this.#handledAlready(entry, context)) === true;
      this.#reporter.recovered('handledAlready');
      return handled;
    } catch (error) {
      this.#reporter.reportError('handledAlready', error);
      return false;
    }
  }

  /**
   * `EntriesInHand.take` for a read or claim that reports trimmed IDs (`deletedIds`), and which of them are
   * lost: no worker here holds them or acked them while the command was out (see `InProcessPeers.judgeTrimmed`).
   */
  async #readJudgingTrimmed<T extends { deletedIds: readonly string[] }>(
    read: (judge: TrimmedJudge) => Promise<T>,
    entriesOf: (result: T) => readonly StreamEntry[],
    dropsFromPel: boolean,
  ): Promise<Taken<T> & { lost: string[]; leftToPeers: StreamEntry[] }> {
    const judge = this.#peers.judgeTrimmed({ dropsFromPel });
    try {
      const { result, taken } = await this.#hand.take(() => read(judge), entriesOf);
      const lost = await judge.lost(result.deletedIds);
      // Judged before the judge closes, so that a peer's ack of one meanwhile is seen (why: see #reap).
      const ours: StreamEntry[] = [];
      const leftToPeers: StreamEntry[] = [];
      for (const entry of taken) {
        if (judge.takenFromAnother(entry.id, this.#asPeer)) {
          this.#hand.release(entry.id);
          leftToPeers.push(entry);
        } else ours.push(entry);
      }
      return { result, taken: ours, lost, leftToPeers };
    } finally {
      judge.close();
    }
  }

  /** The batch's XACK on `via`'s connection (see `EntriesInHand.ack`): how many of `handled` were acked. */
  #ack(via: EventStream, handled: readonly Handled[]): Promise<number> {
    return this.#hand.ack((ids) => this.#track(via, via.ack(this.group, ids)), handled);
  }

  /** A command on `via`'s connection, given up on with it when closing while Redis is away (see `#shutdown`). */
  #track<T>(via: EventStream, command: Promise<T>): Promise<T> {
    return (via === this.#reader ? this.#ownCommands : this.#sharedCommands).track(command);
  }

  /**
   * Delivery counts of entries this consumer now owns, from XPENDING over their ID range: one call, unless
   * more of its entries lie between them than a page holds (a reap's claims spread over a PEL where it has a
   * whole batch in hand), then page by page until each entry's count is known or the range is read.
   */
  async #deliveryCounts(via: EventStream, ids: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (ids.length === 0) return counts;
    // The lowest and highest: a drain's trimmed IDs lie among the entries it read, not after them.
    const first = ids.reduce((a, b) => (compareEntryIds(a, b) <= 0 ? a : b));
    const last = ids.reduce((a, b) => (compareEntryIds(a, b) >= 0 ? a : b));
    const wanted = new Set(ids);
    // Room for some other entries of this consumer between the first and last ID.
    const count = ids.length * 2 + 100;
    try {
      for (let start = first; ; ) {
        const rows = await this.#track(
          via,
          via.pendingDetail(this.group, { start, end: last, count, consumer: this.name }),
        );
        for (const row of rows) if (wanted.has(row.id)) counts.set(row.id, row.deliveries);
        const lastRow = rows[rows.length - 1];
        if (rows.length < count || !lastRow || counts.size === wanted.size) break;
        start = `(${lastRow.id}`;
      }
      this.#reporter.recovered('pending');
    } catch (error) {
      this.#reporter.reportError('pending', error);
    }
    return counts;
  }

  #waitForResume(): Promise<void> {
    if (!this.#paused || this.#stop.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.#resume = () => {
        this.#resume = undefined;
        resolve();
      };
    });
  }
}
