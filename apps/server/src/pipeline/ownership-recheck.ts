import { CommandError } from './command-error.js';

/** How often a running producer looks again at whose the stream is. */
const RECHECK_MS = 1_000;

/**
 * The continuous producer's look at the stream's ownership (`Pipeline.refuseAppendsToForeignStream`), made once
 * started and then again every second rather than per batch: another application may create a group on the
 * stream while it runs, and its batches would then reach that application's consumers and trim what they have
 * not read. A refusal holds until the next look, so no batch slips through in between; a look that failed for
 * another reason (Redis away) is made again with the next batch.
 */
export class OwnershipRecheck {
  readonly #look: () => Promise<void>;
  #lookedAt = Number.NEGATIVE_INFINITY;
  #refusal: CommandError | null = null;

  constructor(look: () => Promise<void>) {
    this.#look = look;
  }

  /** Throws the refusal while the stream is, as last seen within the second, another application's. */
  async assertOwn(): Promise<void> {
    if (performance.now() - this.#lookedAt >= RECHECK_MS) {
      try {
        await this.#look();
        this.#refusal = null;
      } catch (error) {
        if (!(error instanceof CommandError && error.code === 'refused')) throw error;
        this.#refusal = error;
      }
      this.#lookedAt = performance.now();
    }
    if (this.#refusal !== null) throw this.#refusal;
  }
}
