import type { Redis } from 'ioredis';
import { ConsumerInUseError } from './errors.js';

/**
 * What a worker shows its peers of the entries it deals with: for judging IDs that Redis reports trimmed, and
 * for the reason of a dead letter.
 */
export interface PeerView {
  /** The consumer it reads as: two workers of one name would share (and hand over, and ack) one PEL. */
  consumer(): string;
  /** The `EventStream` it was made with. */
  source(): object;
  /** The IDs in its hands (being handled, or handled and their XACK not confirmed): their fields were not lost. */
  held(): ReadonlySet<string>;
  /** Its reads and claims whose replies have not been taken yet. */
  readsInFlight(): Iterable<Promise<unknown>>;
  /** Adds to `acked` every ID it acks from now on, until the returned function is called. */
  watchAcks(acked: Set<string>): () => void;
  /** Why its handler last failed on the entry, and when, if it did lately. */
  lastFailure(id: string): Failure | undefined;
  /**
   * Tells it that an entry it holds was found trimmed by a claim, which dropped it from the PEL: should its
   * handling end without an ack, nothing in Redis would bring it back, so it must dead-letter it itself.
   */
  droppedFromPel(id: string): void;
}

/** A handler's failure on an entry. */
export interface Failure {
  readonly reason: string;
  /** Epoch ms, to tell which of several workers' failures came last. */
  readonly at: number;
}

/** The running workers of this process, by Redis database, stream and group. */
const byStreamAndGroup = new Map<string, Set<PeerView>>();

/**
 * The running workers of one stream and group in this process. Redis 7.0's XAUTOCLAIM drops every trimmed
 * ID it meets from the PEL, idle or not, so a reaper also reports entries a peer is still handling; a peer
 * here holds their fields and will finish them, so they must not be dead-lettered as lost.
 */
export class InProcessPeers {
  readonly #key: string;
  readonly #group: string;

  /**
   * `redis` says which stream `streamKey` is: the same key and group in another Redis, or another database of
   * the same one, is another stream, whose workers are no peers. Taken for one, a worker there holding the
   * same ID (two databases of one server give appends in one millisecond the same ID) kept an entry trimmed
   * here from its dead letter, when nothing here would ever handle it.
   */
  constructor(redis: Redis, streamKey: string, group: string) {
    this.#key = [databaseOf(redis), streamKey, group].join('\u0000');
    this.#group = group;
  }

  /**
   * Adds a worker. One made with the same `EventStream` as a running worker of the same consumer is refused, and
   * not added: that is one application starting a consumer twice. (Two `EventStream`s of one key are how a test
   * runs two servers in one process, each standing for a process of its own; Redis tells those apart.)
   */
  join(peer: PeerView): void {
    let peers = byStreamAndGroup.get(this.#key);
    for (const other of peers ?? []) {
      if (other.consumer() === peer.consumer() && other.source() === peer.source()) {
        throw new ConsumerInUseError(
          `consumer ${this.#group}/${peer.consumer()} already has a running worker on this EventStream: two would share one pending list. Close that one first, or pick another name`,
        );
      }
    }
    if (!peers) {
      peers = new Set();
      byStreamAndGroup.set(this.#key, peers);
    }
    peers.add(peer);
  }

  leave(peer: PeerView): void {
    const peers = byStreamAndGroup.get(this.#key);
    peers?.delete(peer);
    if (peers?.size === 0) byStreamAndGroup.delete(this.#key);
  }

  /**
   * Why a handler here last failed on the entry: the reason a dead letter gives, whichever worker of the group
   * saw the failure (a reaper dead-letters what another worker kept failing on).
   */
  lastFailure(id: string): string | undefined {
    let latest: Failure | undefined;
    for (const peer of this.#current()) {
      const failure = peer.lastFailure(id);
      if (failure !== undefined && (latest === undefined || failure.at >= latest.at)) latest = failure;
    }
    return latest?.reason;
  }

  /** The consumer whose worker here has the entry in hand, if one has. */
  holder(id: string): string | undefined {
    return this.#current()
      .find((peer) => peer.held().has(id))
      ?.consumer();
  }

  /**
   * Starts judging the trimmed IDs that a claim or PEL read about to be sent will report: from now on, what
   * any worker here acks is noted. Redis reports an ID trimmed only while it is pending, so a worker that
   * finished such an entry acks it after the command ran: that ack is seen, however late the reply comes.
   * (Remembering every finished ID instead cost each worker thousands of long-lived strings.) `close` it
   * once judged. With `dropsFromPel` (a claim: XAUTOCLAIM drops the trimmed IDs it reports from the PEL),
   * a peer that holds one is told so (see `PeerView.droppedFromPel`).
   */
  judgeTrimmed({ dropsFromPel }: { readonly dropsFromPel: boolean }): TrimmedJudge {
    const acked = new Set<string>();
    const peersNow = this.#current();
    const unwatch = peersNow.map((peer) => peer.watchAcks(acked));
    return {
      held: peersNow.flatMap((peer) => [...peer.held()]),
      lost: async (deletedIds) => {
        if (deletedIds.length === 0) return [];
        // Redis may have run a peer's read before the trim and its reply still be on the way: the peers' reads
        // in flight are waited for first (a blocked read for at most its block time), then the answer is exact
        // for this process.
        const peers = this.#current();
        await Promise.allSettled(peers.flatMap((peer) => [...peer.readsInFlight()]));
        // Checked and told in one step: a holder whose handling ends later sees the mark, one that ended
        // before no longer holds the ID, which is then lost.
        return deletedIds.filter((id) => {
          if (acked.has(id)) return false;
          const holder = peers.find((peer) => peer.held().has(id));
          if (holder && dropsFromPel) holder.droppedFromPel(id);
          return holder === undefined;
        });
      },
      // Asked of every entry a claim gave: the peers' set is walked where it stands, not copied each time.
      takenFromAnother: (id, self) => {
        if (acked.has(id)) return true;
        for (const peer of byStreamAndGroup.get(this.#key) ?? []) {
          if (peer !== self && peer.held().has(id)) return true;
        }
        return false;
      },
      close: () => {
        for (const stop of unwatch) stop();
      },
    };
  }

  /** The workers of this stream and group in this process now. */
  #current(): PeerView[] {
    return [...(byStreamAndGroup.get(this.#key) ?? [])];
  }
}

/**
 * The Redis database a connection talks to, from its options: every connection to it from this process (from
 * the same URL, or a `duplicate`) gives the same answer.
 */
function databaseOf(redis: Redis): string {
  const { host, port, path, db, sentinels, name } = redis.options;
  const server = sentinels?.length ? `sentinel ${name}` : path ? `unix ${path}` : `${host}:${port}`;
  return `${server}/${db ?? 0}`;
}

/** See `InProcessPeers.judgeTrimmed`. */
export interface TrimmedJudge {
  /** The IDs the workers here held when judging began: a claim script leaves them to this judge. */
  readonly held: readonly string[];
  /** Of the trimmed IDs reported, those no worker here has in hand or acked since judging began. */
  lost(deletedIds: readonly string[]): Promise<string[]>;
  /**
   * Whether an entry the claim gave `self` is one another worker here has in hand, or one a worker here acked
   * since judging began: taken from under it, it is that worker's to finish.
   */
  takenFromAnother(id: string, self: PeerView): boolean;
  close(): void;
}
