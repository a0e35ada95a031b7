import type { EventStream } from '@streamscope/streams';

const INTERVAL_MS = 1_000;

/**
 * A standing MINID-by-age retention: every second, `XTRIM MINID ~ <now - maxAge>`. The seed's advice for
 * streams whose consumers care about time ("keep a day") rather than a count. While trims fail (Redis away) it
 * keeps trying, and tells `onError` once when they start failing and once when they work again: it told every
 * failed trim, a line a second for as long as an outage lasted.
 */
export class RetentionPolicy {
  readonly #stream: EventStream;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #maxAgeMs: number | null = null;
  #trimming = false;
  #deleted = 0;
  /** Since when trims fail; `null` while they work. */
  #failingSince: number | null = null;

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
    // Set anew, or stopped, it begins afresh: what failed before is history.
    this.#failingSince = null;
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
      if (this.#failingSince !== null) {
        const seconds = ((Date.now() - this.#failingSince) / 1000).toFixed(1);
        this.#failingSince = null;
        this.#onError(`trimming again, after ${seconds} s in which every trim failed`);
      }
    } catch (error) {
      if (this.#failingSince === null) {
        this.#failingSince = Date.now();
        const message = error instanceof Error ? error.message : String(error);
        this.#onError(`trims failing (${message}); it keeps trying, and says so here once they work again`);
      }
    } finally {
      this.#trimming = false;
    }
  }
}
