import type { StreamEntry } from './types.js';
import type { WorkerReporter } from './worker-reporter.js';

/** An entry whose handler returned, waiting for the batch's XACK. */
/** The `reason` of the `acked` event of an entry its handler called a duplicate (see `HandlerOutcome`). */
export const DUPLICATE_REASON = 'duplicate: its handler found it handled already';

export interface Handled {
  readonly entry: StreamEntry;
  readonly deliveryCount: number | null;
  /** Its handler found it handled already and did not do the work again (see `HandlerOutcome`). */
  readonly duplicate: boolean;
}

/** A read's or claim's reply, and the entries of it that this worker took on (see `EntriesInHand.take`). */
export interface Taken<T> {
  readonly result: T;
  readonly taken: StreamEntry[];
}

/** How many handled entries a worker keeps for another XACK after theirs failed. */
const UNCONFIRMED_ACKS_MAX = 10_000;

/** Why a handled entry is told `deleted`, not acked: XACK found it pending in the group no more. */
const NOT_PENDING_AT_ACK =
  'handled, but no longer pending when acked: its group deleted, dropped from the pending list as trimmed, or claimed and acked by another consumer';

/**
 * The entries one worker has taken on: read or claimed (`take`), then handled and acked a batch at a time
 * (`ack`), or let go unacked (`release`). What a worker shows its peers of them comes from here.
 */
export class EntriesInHand {
  readonly #reporter: WorkerReporter;
  /**
   * IDs this worker is handling or has handled but not yet acked (acks wait for the next read). A reap or a
   * PEL drain that meets one of them leaves it to the path that holds it instead of running it twice: with a
   * short claim threshold XAUTOCLAIM can take back an entry this very worker is busy with.
   */
  readonly #inHand = new Set<string>();
  /**
   * Handled entries whose XACK failed, most often because Redis went away before replying; they stay in
   * `#inHand`. Their handlers ran, and the XACK may well have landed: the next XACK this worker sends carries
   * them again (a no-op for IDs already acked), so they are reported acked once, and a PEL drain after the
   * reconnect does not run them a second time.
   */
  readonly #unconfirmedAcks: Handled[] = [];
  /** One set per read or claim in flight, collecting the IDs acked meanwhile (see `take`). */
  readonly #ackWatches = new Set<Set<string>>();
  /** Reads and claims whose replies have not been taken yet: a peer judging trimmed IDs waits for them. */
  readonly #readsInFlight = new Set<Promise<unknown>>();
  /**
   * IDs in hand that a claim found trimmed, dropping them from the PEL (its reaper judged them held here, so
   * did not letter them): handled and acked, nothing is lost; a failure, a drop or the delivery limit would
   * leave no trace in Redis, so this worker dead-letters them itself (see `DeadLetterWriter.letterIfDropped`).
   */
  readonly #droppedFromPel = new Set<string>();
  #processed = 0;
  #duplicates = 0;

  constructor(reporter: WorkerReporter) {
    this.#reporter = reporter;
  }

  /** How many entries are in hand. */
  get size(): number {
    return this.#inHand.size;
  }

  /** How many entries were acked. */
  get processed(): number {
    return this.#processed;
  }

  /** Acked entries whose handler said they were duplicates: not counted in `processed`. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** The IDs in hand, as they change (see `PeerView.held`). */
  held(): ReadonlySet<string> {
    return this.#inHand;
  }

  /** See `PeerView.readsInFlight`. */
  readsInFlight(): Iterable<Promise<unknown>> {
    return this.#readsInFlight;
  }

  /** See `PeerView.watchAcks`. */
  watchAcks(acked: Set<string>): () => void {
    this.#ackWatches.add(acked);
    return () => this.#ackWatches.delete(acked);
  }

  /** See `PeerView.droppedFromPel`. */
  markDroppedFromPel(id: string): void {
    this.#droppedFromPel.add(id);
  }

  /** Whether a claim found the entry trimmed and dropped it from the PEL; the mark goes with the answer. */
  takeDroppedMark(id: string): boolean {
    return this.#droppedFromPel.delete(id);
  }

  /** The entry leaves this worker's hands unacked: it failed, was dropped, dead-lettered or left unhandled. */
  release(id: string): void {
    this.#inHand.delete(id);
  }

  /**
   * Runs a read or claim and takes its entries: keeps those this worker has not already dealt with (not held,
   * not acked while the read was out: Redis may have run the read just before the XACK, whose reply then came
   * back first, on the other connection) and holds them, the whole batch at once, before any await, so the
   * next reply handled sees them as held. `onReply` hears of the reply first, before its entries are parsed.
   * With `keepAcked`, an entry acked while the read was out is taken all the same (see
   * `ConsumerWorker.#readNew`).
   */
  async take<T>(
    read: () => Promise<T>,
    entriesOf: (result: T) => readonly StreamEntry[],
    onReply?: (result: T) => void,
    { keepAcked = false }: { keepAcked?: boolean } = {},
  ): Promise<Taken<T>> {
    const acked = new Set<string>();
    this.#ackWatches.add(acked);
    const reading = read();
    this.#readsInFlight.add(reading);
    try {
      const result = await reading;
      onReply?.(result);
      const taken = entriesOf(result).filter(
        (entry) => !this.#inHand.has(entry.id) && (keepAcked || !acked.has(entry.id)),
      );
      for (const entry of taken) this.#inHand.add(entry.id);
      return { result, taken };
    } finally {
      this.#readsInFlight.delete(reading);
      this.#ackWatches.delete(acked);
    }
  }

  /**
   * One XACK for a whole batch, and for any earlier batch whose XACK failed, sent by `xack`. Returns how many
   * of `handled` were acked; on failure they all wait for the next XACK (see `#unconfirmedAcks`).
   */
  async ack(xack: (ids: string[]) => Promise<number>, handled: readonly Handled[]): Promise<number> {
    // Acks sent again: their first XACK may have run, its reply lost, so a count of 0 may be this worker's own.
    const resent = this.#unconfirmedAcks.length > 0;
    const batch = resent ? [...this.#unconfirmedAcks.splice(0), ...handled] : handled;
    if (batch.length === 0) return 0;
    const ids = batch.map(({ entry }) => entry.id);
    let removed: number;
    try {
      removed = await xack(ids);
      this.#reporter.recovered('ack');
      for (const watch of this.#ackWatches) for (const id of ids) watch.add(id);
    } catch (error) {
      this.#reporter.reportError('ack', error);
      this.#keepUnconfirmed(batch);
      return 0;
    }
    for (const id of ids) this.#letGo(id);
    const ts = Date.now();
    // XACK removed none: the group was deleted (or set up again) under the batch, its entries were trimmed and an
    // XAUTOCLAIM dropped them from the PEL, or another consumer claimed and acked them first. Said as acked, they
    // were counted in the acked totals for a group that no longer held them, or twice over. (Some but not all
    // removed, XACK's count does not say which: told as acked. So is a batch with acks sent again.)
    if (removed === 0 && !resent) {
      // Handled all the same: the work is counted, its ack is not.
      for (const { entry, deliveryCount, duplicate } of batch) {
        if (duplicate) this.#duplicates += 1;
        else this.#processed += 1;
        this.#reporter.settle(
          'deleted',
          entry.id,
          deliveryCount,
          entry.fields.type,
          NOT_PENDING_AT_ACK,
          entry.fields,
        );
      }
      return 0;
    }
    // Only the newest of a batch would stay in the ring; the rest are not even built.
    const recordFrom = batch.length - this.#reporter.recentCapacity;
    batch.forEach(({ entry, deliveryCount, duplicate }, index) => {
      const { id, fields } = entry;
      if (duplicate) this.#duplicates += 1;
      else this.#processed += 1;
      this.#reporter.emit('acked', id, deliveryCount, fields.type, duplicate ? DUPLICATE_REASON : null, ts);
      if (index >= recordFrom) {
        const outcome = duplicate ? 'duplicate' : 'acked';
        this.#reporter.record(outcome, id, deliveryCount, fields.type, null, fields, ts);
      }
    });
    return handled.length;
  }

  #keepUnconfirmed(batch: readonly Handled[]): void {
    this.#unconfirmedAcks.push(...batch);
    const excess = this.#unconfirmedAcks.length - UNCONFIRMED_ACKS_MAX;
    // The oldest beyond the bound are let go: still pending in Redis, a PEL drain brings them back.
    if (excess > 0) for (const { entry } of this.#unconfirmedAcks.splice(0, excess)) this.#letGo(entry.id);
  }

  /** An entry leaves this worker's hands, acked or left to a later PEL drain: nothing here tracks it anymore. */
  #letGo(id: string): void {
    this.#inHand.delete(id);
    this.#droppedFromPel.delete(id);
  }
}
