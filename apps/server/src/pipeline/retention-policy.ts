import type { EventStream } from '@streamscope/streams';

const INTERVAL_MS = 1_000;

/**
 * A standing MINID-by-age retention: every second, `XTRIM MINID ~ <now - maxAge>`. The seed's advice for
 * streams whose consumers care about time ("keep a day") rather than a count.
 */
export class RetentionPolicy {
  readonly #stream: EventStream;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #maxAgeMs: number | null = null;
  #trimming = false;
  #deleted = 0;

  constructor(stream: EventStream, onError: (error: unknown) => void) {
    this.#stream = stream;
    this.#onError = onError;
  }

  get maxAgeMs(): number | null {
    return this.#maxAgeMs;
  }

  /** Entries the policy has removed since it was last set. */
  get deleted(): number {
    return this.#deleted;
  }

  set(maxAgeMs: number | null): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#maxAgeMs = maxAgeMs;
    this.#deleted = 0;
    if (maxAgeMs === null) return;
    this.#timer = setInterval(() => void this.#apply(maxAgeMs), INTERVAL_MS);
    this.#timer.unref();
    void this.#apply(maxAgeMs);
  }

  async #apply(maxAgeMs: number): Promise<void> {
    if (this.#trimming) return;
    this.#trimming = true;
    try {
      this.#deleted += await this.#stream.trimMinid(`${Math.max(0, Date.now() - maxAgeMs)}-0`);
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#trimming = false;
    }
  }
}
