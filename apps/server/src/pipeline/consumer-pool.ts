import {
  type ConsumerWorker,
  connectedWorkers,
  type DeadLetters,
  type EventStream,
  type HandoverResult,
  type MovedEntry,
  type TrimmedLetter,
} from '@streamscope/streams';
import { CommandError, REDIS_UNAVAILABLE, shuttingDown } from './command-error.js';
import { consumerInRedis } from './consumer-activity.js';
import { SerialRuns } from './serial-runs.js';

type MakeWorker = (group: string, name: string) => ConsumerWorker;

/**
 * Told of each page of a removal's handover as it lands, before `to` drains what it took: the entries' timelines
 * then say how they went from one consumer to the other, ahead of their delivery to the next.
 */
export type OnHandedOver = (group: string, from: string, to: string, moved: readonly MovedEntry[]) => void;

/** How long a new worker's connection may take to come up before its add fails as Redis being unavailable. */
const CONNECT_DEADLINE_MS = 5_000;

/** A consumer's place in the pool; `starting` and `removing` hold the name while Redis work is under way. */
interface Slot {
  state: 'starting' | 'running' | 'removing';
  worker: ConsumerWorker;
}

/** How a consumer stands, for starting it again so: paused or not, and the crashes queued on it. */
export interface Standing {
  readonly paused: boolean;
  readonly crashQueued: number;
}

export function standingOf(worker: ConsumerWorker): Standing {
  const { paused, crashQueued } = worker.status();
  return { paused, crashQueued };
}

/** A consumer `closeGroup` stopped, as it stood: what starting it again should bring back. */
export interface StoppedConsumer extends Standing {
  readonly name: string;
}

export interface RemovalResult extends HandoverResult {
  readonly group: string;
  readonly name: string;
  readonly handedOverTo: string;
}

/** The refusal of a consumer name already taken here: it names the `name` argument, for a form to mark. */
export function consumerExists(group: string, name: string): CommandError {
  return new CommandError('conflict', `consumer ${group}/${name} already exists`, { fields: ['name'] });
}

/**
 * The workers this server runs, by group and name. Names are reserved synchronously, before any await, so
 * of concurrent adds of one name exactly one wins (the seed's "atomic consumer-name reservation").
 */
export class ConsumerPool {
  readonly #slots = new Map<string, Slot>();
  readonly #stream: EventStream;
  readonly #makeWorker: MakeWorker;
  readonly #removals = new SerialRuns<string>();
  /** Set by `close`: a worker started after it would run, with its connection, after the server stopped. */
  #closed = false;
  /**
   * Workers `closeAll` took out of the pool and is still closing (finishing and acking their batches): `close`
   * waits for them too. A reset under way when the server stopped had emptied the pool, so the server closed
   * Redis and exited while they were mid-batch, leaving entries their handlers had finished unacked.
   */
  readonly #stopping = new Set<ConsumerWorker>();

  /** Where a handover puts entries trimmed while pending; without one Redis drops them on claim. */
  readonly #deadLetters: DeadLetters | null;
  readonly #onHandedOver: OnHandedOver;

  constructor(
    stream: EventStream,
    makeWorker: MakeWorker,
    deadLetters: DeadLetters | null = null,
    onHandedOver: OnHandedOver = () => {},
  ) {
    this.#stream = stream;
    this.#makeWorker = makeWorker;
    this.#deadLetters = deadLetters;
    this.#onHandedOver = onHandedOver;
  }

  /**
   * Starts a consumer; with `paused` it is paused before its first read (a pause a restart brings back), so it
   * reads nothing, not even its own PEL, until resumed; with `crashQueued`, that many crashes are queued on it
   * again (see `standingOf`).
   */
  async add(
    group: string,
    name: string,
    { paused = false, crashQueued = 0 }: Partial<Standing> = {},
  ): Promise<ConsumerWorker> {
    const key = slotKey(group, name);
    if (this.#closed) throw shuttingDown();
    if (this.#slots.has(key)) throw consumerExists(group, name);
    const slot: Slot = { state: 'starting', worker: this.#makeWorker(group, name) };
    this.#slots.set(key, slot);
    try {
      // Paused before its first read until the name is known to be its own (see `#refuseTwin`).
      await slot.worker.pause();
      if (crashQueued > 0) slot.worker.crashNext(crashQueued);
      await this.#stream.ensureGroup(group, '0-0');
      await slot.worker.start();
      await this.#refuseTwin(slot.worker);
      if (!paused) slot.worker.resume();
      slot.state = 'running';
      return slot.worker;
    } catch (error) {
      this.#slots.delete(key);
      await slot.worker.close();
      // close() closed it before it started: say why, rather than "closed and cannot start again".
      if (this.#closed) throw shuttingDown();
      throw error;
    }
  }

  /**
   * Two processes adding one name at the same moment both pass their callers' check, made before either
   * worker's connection was up, and both workers would run under it, sharing (and handing over) one PEL. Once
   * this worker's connection is up, Redis lists every worker connection under the name: of two, the one opened
   * first (the lower client ID) keeps it, so each process decides alike, and this one, paused since before its
   * first read, is refused having read nothing. (Redis refusing CLIENT LIST leaves the caller's check alone.)
   */
  async #refuseTwin(worker: ConsumerWorker): Promise<void> {
    const { group, name } = worker;
    const id = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CommandError('unavailable', `consumer ${group}/${name}: ${REDIS_UNAVAILABLE}`)),
        CONNECT_DEADLINE_MS,
      );
      worker
        .connectionId()
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });
    const connected = await connectedWorkers(this.#stream.redis).catch(() => []);
    const older = connected.some(
      (other) =>
        other.streamKey === this.#stream.streamKey &&
        other.group === group &&
        other.consumer === name &&
        other.id < id,
    );
    if (older) {
      throw new CommandError(
        'conflict',
        `consumer ${group}/${name} is in use: a Streamscope worker in another process started under that name at the same moment. Pick another name.`,
      );
    }
  }

  /**
   * Retires a consumer without losing an entry: it stops reading, finishes and acks what it holds, hands
   * the rest of its pending entries to a running peer (which then processes them), and only when it owns
   * nothing is it deleted from the group. Without a peer it is refused and left running.
   */
  remove(group: string, name: string): Promise<RemovalResult> {
    // One removal per group at a time: otherwise a consumer could receive a handover just after it
    // handed over its own entries and just before it is deleted, and those entries would be lost.
    return this.#removals.run(group, () => this.#remove(group, name));
  }

  async #remove(group: string, name: string): Promise<RemovalResult> {
    const slot = this.#slots.get(slotKey(group, name));
    if (!slot) return this.#retireAbsent(group, name);
    if (slot.state !== 'running') {
      throw new CommandError('conflict', `consumer ${group}/${name} is ${slot.state}; try again shortly`);
    }
    const peer = this.#peerFor(
      group,
      name,
      `consumer ${group}/${name} is the last one of its group on this server: whatever it holds as it stops reading (its pending entries, and the batch in its hands) would have no one here to go to. Add another consumer first.`,
    );
    slot.state = 'removing';
    try {
      await slot.worker.close();
      const handover = await this.#handOverAll(group, name, peer);
      await this.#stream.deleteConsumer(group, name);
      this.#slots.delete(slotKey(group, name));
      return { group, name, handedOverTo: peer.name, ...handover };
    } catch (error) {
      // Cut off (Redis went away, say): the consumer still owns its entries in Redis. It goes back to work
      // under its name, a fresh worker that starts by re-reading its own PEL; a retry can remove it later.
      // Paused or with crashes queued, it stays so: the user asked that of the consumer, not of one worker.
      // (Unless the pool was closed meanwhile: a worker started then would never be closed.)
      if (this.#slots.get(slotKey(group, name)) === slot) {
        const { paused, crashQueued } = standingOf(slot.worker);
        slot.worker = this.#makeWorker(group, name);
        if (paused) await slot.worker.pause();
        if (crashQueued > 0) slot.worker.crashNext(crashQueued);
        slot.state = 'running';
        await slot.worker.start();
      }
      throw error;
    }
  }

  /**
   * A consumer Redis knows but no worker here runs, and none elsewhere holds (the caller checks that): one
   * that crashed in another process, say. Its pending entries go to a running peer here, which processes
   * them, and then its name is deleted. Without a peer here it is refused, as for a consumer of ours.
   */
  async #retireAbsent(group: string, name: string): Promise<RemovalResult> {
    const known = await consumerInRedis(this.#stream, group, name);
    if (!known) throw new CommandError('not_found', `no consumer ${group}/${name}, here or in Redis`);
    const peer = this.#peerFor(
      group,
      name,
      `no consumer of ${group} runs on this server to take over what ${name} holds (${known.pending} pending). Add one first.`,
    );
    const handover = await this.#handOverAll(group, name, peer);
    await this.#stream.deleteConsumer(group, name);
    return { group, name, handedOverTo: peer.name, ...handover };
  }

  /** Moves everything `name` holds to `peer` and has the peer process it; XPENDING pages until none is left. */
  async #handOverAll(group: string, name: string, peer: ConsumerWorker): Promise<HandoverResult> {
    const moved: MovedEntry[] = [];
    let deleted = 0;
    const deadLettered: TrimmedLetter[] = [];
    // A handover normally finishes in one pass.
    try {
      for (;;) {
        const result = this.#deadLetters
          ? await this.#deadLetters.handover(group, name, peer.name)
          : await this.#stream.handoverPending(group, name, peer.name);
        this.#onHandedOver(group, name, peer.name, result.movedEntries);
        moved.push(...result.movedEntries);
        deleted += result.deleted;
        deadLettered.push(...(result.deadLettered ?? []));
        const left = await this.#stream.pendingDetail(group, { consumer: name, count: 1 });
        if (left.length === 0) break;
      }
    } catch (error) {
      // Whatever was moved before a failure is the peer's now, a page whose answer was lost perhaps too: it looks.
      peer.requestPelDrain();
      throw error;
    }
    // Only when it has something to take: a drain also re-reads what the peer itself left pending (its crashes,
    // there for an XAUTOCLAIM to show), which a removal that moved nothing had it handle, unasked.
    if (moved.length > 0) peer.requestPelDrain();
    return { moved: moved.length, movedEntries: moved, deleted, deadLettered };
  }

  get(group: string, name: string): ConsumerWorker {
    const slot = this.#slots.get(slotKey(group, name));
    // Being added or removed is not gone: "not found" read as removed elsewhere, of a consumer whose removal then
    // failed (no peer) and which ran on.
    if (slot?.state === 'starting' || slot?.state === 'removing') {
      throw new CommandError(
        'conflict',
        `consumer ${group}/${name} is being ${slot.state === 'starting' ? 'added' : 'removed'} here; try again shortly`,
      );
    }
    if (slot?.state !== 'running') {
      throw new CommandError('not_found', `no running consumer ${group}/${name} on this server`);
    }
    return slot.worker;
  }

  find(group: string, name: string): ConsumerWorker | undefined {
    return this.#slots.get(slotKey(group, name))?.worker;
  }

  workers(): ConsumerWorker[] {
    return [...this.#slots.values()].map((slot) => slot.worker);
  }

  /**
   * `workers()` and those a reset or a group's deletion took out and is still closing: each still holds its
   * connection under its name, which a view without them took for a worker of another process.
   */
  present(): ConsumerWorker[] {
    return [...this.workers(), ...this.#stopping];
  }

  /** Whether a reset or a group's deletion took this consumer's worker out and is still closing it. */
  closing(group: string, name: string): boolean {
    return [...this.#stopping].some((worker) => worker.group === group && worker.name === name);
  }

  /** The workers whose start has finished and whose removal has not begun. */
  running(): ConsumerWorker[] {
    return [...this.#slots.values()].flatMap((slot) => (slot.state === 'running' ? [slot.worker] : []));
  }

  groups(): string[] {
    return [...new Set(this.workers().map((worker) => worker.group))];
  }

  /** Closes every worker (each finishes and acks its in-flight batch) and forgets them. */
  async closeAll(): Promise<void> {
    const workers = this.workers();
    this.#slots.clear();
    await this.#closeWorkers(workers);
  }

  /**
   * Closes the group's workers as `closeAll` does, and says how each stood (paused, crashes queued) for a restart. A worker
   * still starting or being removed is a conflict, and then none is closed.
   */
  async closeGroup(group: string): Promise<StoppedConsumer[]> {
    const slots = [...this.#slots].filter(([, slot]) => slot.worker.group === group);
    const busy = slots.find(([, slot]) => slot.state !== 'running');
    if (busy) {
      const [, { worker, state }] = busy;
      throw new CommandError('conflict', `consumer ${group}/${worker.name} is ${state}; try again shortly`);
    }
    for (const [key] of slots) this.#slots.delete(key);
    const workers = slots.map(([, slot]) => slot.worker);
    const stood = workers.map((worker) => ({ name: worker.name, ...standingOf(worker) }));
    await this.#closeWorkers(workers);
    return stood;
  }

  async #closeWorkers(workers: readonly ConsumerWorker[]): Promise<void> {
    await Promise.allSettled(
      workers.map(async (worker) => {
        this.#stopping.add(worker);
        try {
          await worker.close();
        } finally {
          this.#stopping.delete(worker);
        }
      }),
    );
  }

  /**
   * `closeAll`, for good: an add still under way, or asked for later, is refused rather than left running. It
   * also waits for workers another `closeAll` (a reset's) is still closing.
   */
  async close(): Promise<void> {
    this.#closed = true;
    // A worker's close() is idempotent: waiting on it again waits for the same finish.
    const stopping = [...this.#stopping].map((worker) => worker.close());
    await Promise.allSettled([this.closeAll(), ...stopping]);
  }

  /**
   * The consumer here that takes over what `name` holds: a running one that is not paused, since a paused one
   * would sit on the entries until someone resumed it. Refused (with `noneHere`) when there is none at all.
   */
  #peerFor(group: string, name: string, noneHere: string): ConsumerWorker {
    const peers = [...this.#slots.values()].flatMap(({ state, worker }) =>
      state === 'running' &&
      worker.group === group &&
      worker.name !== name &&
      worker.status().state === 'running'
        ? [worker]
        : [],
    );
    const active = peers.find((worker) => !worker.status().paused);
    if (active) return active;
    if (peers.length === 0) throw new CommandError('refused', noneHere);
    throw new CommandError(
      'refused',
      `every other consumer of ${group} on this server is paused (${peers.map((peer) => peer.name).join(', ')}): what ${name} holds would wait on a paused one. Resume one first.`,
    );
  }
}

function slotKey(group: string, name: string): string {
  return `${group}\u0000${name}`;
}
