/**
 * What a worker shows its peers of the entries it deals with: for judging IDs that Redis reports trimmed, and
 * for the reason of a dead letter.
 */
export interface PeerView {
  /** The entry is in its hands, or its handler finished it lately: its fields were not lost. */
  holds(id: string): boolean;
  /** Its reads and claims whose replies have not been taken yet. */
  readsInFlight(): Iterable<Promise<unknown>>;
  /** Why its handler last failed on the entry, and when, if it did lately. */
  lastFailure(id: string): Failure | undefined;
}

/** A handler's failure on an entry. */
export interface Failure {
  readonly reason: string;
  /** Epoch ms, to tell which of several workers' failures came last. */
  readonly at: number;
}

/** The running workers of this process, by stream and group. */
const byStreamAndGroup = new Map<string, Set<PeerView>>();

/**
 * The running workers of one stream and group in this process. Redis 7.0's XAUTOCLAIM drops every trimmed
 * ID it meets from the PEL, idle or not, so a reaper also reports entries a peer is still handling; a peer
 * here holds their fields and will finish them, so they must not be dead-lettered as lost.
 */
export class InProcessPeers {
  readonly #key: string;

  constructor(streamKey: string, group: string) {
    this.#key = `${streamKey}\u0000${group}`;
  }

  join(peer: PeerView): void {
    let peers = byStreamAndGroup.get(this.#key);
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
    for (const peer of byStreamAndGroup.get(this.#key) ?? []) {
      const failure = peer.lastFailure(id);
      if (failure !== undefined && (latest === undefined || failure.at >= latest.at)) latest = failure;
    }
    return latest?.reason;
  }

  /**
   * Of the trimmed IDs a claim or PEL read reported, those no worker here has or had in hand: their fields are
   * gone. Redis may have run a peer's read before the trim and its reply still be on the way, so the peers'
   * reads in flight are waited for first (a blocked read for at most its block time); only then is the answer
   * exact for this process.
   */
  async lost(deletedIds: readonly string[]): Promise<string[]> {
    if (deletedIds.length === 0) return [];
    const peers = [...(byStreamAndGroup.get(this.#key) ?? [])];
    await Promise.allSettled(peers.flatMap((peer) => [...peer.readsInFlight()]));
    return deletedIds.filter((id) => !peers.some((peer) => peer.holds(id)));
  }
}
