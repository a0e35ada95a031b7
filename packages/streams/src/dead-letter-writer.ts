import type { DeadLetters } from './dead-letters.js';
import type { EntriesInHand } from './entries-in-hand.js';
import type { InFlight } from './in-flight.js';
import type { EventFields, StreamEntry } from './types.js';
import type { WorkerReporter } from './worker-reporter.js';

type LetterOutcome = 'written' | 'not-pending' | 'failed';

/** How many trimmed IDs' dead letters a worker keeps retrying while the DLQ cannot be written. */
const UNWRITTEN_LETTERS_MAX = 10_000;

export interface DeadLetterWriterOptions {
  /** The worker's DLQ; `null` when it has none, and nothing is written. */
  readonly deadLetters: DeadLetters | null;
  readonly group: string;
  readonly consumer: string;
  /** The worker's commands on the stream's shared connection, which the DLQ writes go out on. */
  readonly commands: InFlight;
  readonly reporter: WorkerReporter;
  /** The worker's entries in hand: which of them a claim dropped from the PEL. */
  readonly hand: EntriesInHand;
}

/**
 * One worker's dead letters: writes them to its DLQ, counts and reports them, and keeps the letters of entries
 * that are in no PEL any more, whose write failed, to try them again (no read would bring those entries back).
 */
export class DeadLetterWriter {
  readonly #deadLetters: DeadLetters | null;
  readonly #group: string;
  readonly #consumer: string;
  readonly #commands: InFlight;
  readonly #reporter: WorkerReporter;
  readonly #hand: EntriesInHand;
  #deadLettered = 0;
  /**
   * Trimmed IDs whose dead letter could not be written after XAUTOCLAIM had already dropped them from the PEL, with
   * their delivery counts where known and the consumer that held them: no later read will bring them back, so
   * every reap tries them again first.
   */
  readonly #unwrittenLetters = new Map<string, { deliveryCount: number | null; holder: string }>();
  /** The pass of `retryUnwrittenLetters` under way, if any. */
  #retryingLetters: Promise<void> | undefined;

  constructor({ deadLetters, group, consumer, commands, reporter, hand }: DeadLetterWriterOptions) {
    this.#deadLetters = deadLetters;
    this.#group = group;
    this.#consumer = consumer;
    this.#commands = commands;
    this.#reporter = reporter;
    this.#hand = hand;
  }

  /** How many letters this worker wrote, alone or with a claim. */
  get deadLettered(): number {
    return this.#deadLettered;
  }

  /** An entry in hand that reached the delivery limit, dead-lettered with `reason`; whether it was written. */
  async letterAtLimit(entry: StreamEntry, deliveryCount: number, reason: string): Promise<boolean> {
    // Out of the PEL already, it is written without the pending check, which would find nothing to do,
    // and a failed write is kept for the next reap, as no read would bring it back.
    const dropped = this.#hand.takeDroppedMark(entry.id);
    const outcome = await this.#deadLetter(entry.id, deliveryCount, reason, {
      fields: entry.fields,
      ...(dropped ? { stillPending: false } : {}),
    });
    if (outcome === 'failed' && dropped) this.#keepUnwritten(entry.id, deliveryCount, this.#consumer);
    return outcome === 'written';
  }

  /**
   * Pending entries whose payload was trimmed: recorded, and dead-lettered with reason `trimmed`, the delivery
   * count the PEL held for each (`counts`, read by the caller where Redis had it: a `--no-reset` restart's PEL
   * drain wrote such letters with an empty `dlq_delivery_count` that XPENDING knew), and the consumer whose PEL
   * held it (`holders`; this worker's own where not given): a reaper's claim finds them in other consumers' PELs.
   */
  async deletedWhilePending(
    ids: readonly string[],
    stillPending: boolean,
    counts: ReadonlyMap<string, number>,
    holders: ReadonlyMap<string, string> = new Map(),
  ): Promise<void> {
    for (const id of ids) {
      const deliveryCount = counts.get(id) ?? null;
      const holder = holders.get(id) ?? this.#consumer;
      this.#reporter.settle('deleted', id, deliveryCount, null, this.trimmedWords(holder).deleted, null);
      if (!this.#deadLetters) continue;
      const sent =
        (await this.#deadLetter(id, deliveryCount, 'trimmed', { stillPending, holder })) !== 'failed';
      // Still pending, it comes back with the next PEL drain; otherwise only this worker remembers it.
      if (!sent && !stillPending) this.#keepUnwritten(id, deliveryCount, holder);
    }
  }

  /**
   * An entry whose handling here ended without an ack, dead-lettered if a claim had found it trimmed and
   * dropped it from the PEL meanwhile (see `EntriesInHand.takeDroppedMark`): nothing else would ever bring it
   * back.
   */
  async letterIfDropped(entry: StreamEntry, deliveryCount: number | null, why: string): Promise<void> {
    if (!this.#hand.takeDroppedMark(entry.id)) return;
    this.#reporter.settle(
      'deleted',
      entry.id,
      deliveryCount,
      entry.fields.type,
      this.trimmedWords(this.#consumer).deleted,
      entry.fields,
    );
    if (!this.#deadLetters) return;
    const reason = `trimmed; ${why}`;
    const outcome = await this.#deadLetter(entry.id, deliveryCount, reason, {
      fields: entry.fields,
      stillPending: false,
    });
    if (outcome === 'failed') {
      this.#keepUnwritten(entry.id, deliveryCount, this.#consumer);
    }
  }

  #keepUnwritten(id: string, deliveryCount: number | null, holder: string): void {
    if (this.#unwrittenLetters.size >= UNWRITTEN_LETTERS_MAX) {
      const oldest = this.#unwrittenLetters.keys().next().value;
      if (oldest !== undefined) this.#unwrittenLetters.delete(oldest);
      this.#reporter.reportError(
        'dead-letter',
        new Error(`gave up on the dead letter of trimmed entry ${oldest}`),
      );
    }
    this.#unwrittenLetters.set(id, { deliveryCount, holder });
  }

  /**
   * Writes the letters a failed DLQ write left behind, in order, until one fails again. One pass at a time: a
   * reap that starts while another's pass runs (the auto-reaper's beside a manual one) waits for that pass
   * instead of writing the same letters again (they are not pending, so the DLQ script cannot tell).
   */
  retryUnwrittenLetters(): Promise<void> {
    this.#retryingLetters ??= this.#writeUnwrittenLetters().finally(() => {
      this.#retryingLetters = undefined;
    });
    return this.#retryingLetters;
  }

  async #writeUnwrittenLetters(): Promise<void> {
    for (const [id, { deliveryCount, holder }] of [...this.#unwrittenLetters]) {
      const outcome = await this.#deadLetter(id, deliveryCount, 'trimmed', { stillPending: false, holder });
      if (outcome === 'failed') return;
      this.#unwrittenLetters.delete(id);
    }
  }

  /**
   * One atomic DLQ write (+ XACK while still pending): `written`; `not-pending` when the entry no longer was
   * (acked or dead-lettered meanwhile), so nothing was written and nothing is left to do; `failed` when Redis
   * failed, and a pending entry stays pending and comes back. The letter names `holder`, the consumer whose PEL
   * held the entry (this worker by default), and so do the worker's events of it; `fields` null: trimmed.
   */
  async #deadLetter(
    id: string,
    deliveryCount: number | null,
    reason: string,
    {
      fields = null,
      stillPending,
      holder = this.#consumer,
    }: { fields?: EventFields | null; stillPending?: boolean; holder?: string } = {},
  ): Promise<LetterOutcome> {
    const deadLetters = this.#deadLetters;
    if (!deadLetters) return 'failed';
    try {
      const written = await this.#commands.track(
        deadLetters.send(id, {
          group: this.#group,
          consumer: holder,
          deliveryCount,
          reason,
          fields,
          stillPending,
        }),
      );
      this.#reporter.recovered('dead-letter');
      if (written === null) return 'not-pending';
      // Another consumer's entry is only ever one a reaper's claim found trimmed (see `trimmedWords`).
      const told = holder === this.#consumer ? reason : this.trimmedWords(holder).lettered;
      this.noteDeadLettered(id, deliveryCount, told, fields);
      return 'written';
    } catch (error) {
      this.#reporter.reportError('dead-letter', error);
      return 'failed';
    }
  }

  /**
   * How this worker tells of an entry trimmed while `holder` held it pending: its `deleted` step and its
   * `dead-lettered` one. Told of an entry another consumer held (a reaper's claim found it), both name that one, as
   * the letter does, or a feed named this worker and the dead-letter stream the holder.
   */
  trimmedWords(holder: string): { deleted: string; lettered: string } {
    if (holder === this.#consumer) return { deleted: 'trimmed while pending', lettered: 'trimmed' };
    const said = `trimmed while pending at ${holder}`;
    return { deleted: said, lettered: said };
  }

  /** Counts a letter this worker wrote (alone or with a claim) and tells its listeners. */
  noteDeadLettered(id: string, deliveryCount: number | null, reason: string, fields: EventFields | null) {
    this.#deadLettered += 1;
    this.#reporter.settle('dead-lettered', id, deliveryCount, fields?.type ?? null, reason, fields);
  }
}
