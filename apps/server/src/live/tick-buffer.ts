/** A bound on the bytes a tick sends, beside its count: `bytesOf` one item (as the page is sent it, say). */
export interface TickSize<T> {
  readonly bytesPerTick: number;
  readonly bytesOf: (item: T) => number;
}

/**
 * Items waiting for the next tick. Past `capPerTick` the oldest are dropped and only counted: at thousands
 * of events per second a browser wants the newest of them and an honest count, not every event, and a live
 * list shows the newest at its top. Items `rank` puts higher are kept longer: the oldest of the lowest rank
 * are dropped first (at 20,000 events/s the newest 500 were all `produced`, and no failure or dead letter
 * ever reached the live feed). With a `TickSize`, the oldest are dropped too while the tick's items are more
 * bytes than it allows, the newest one always kept.
 */
export class TickBuffer<T> {
  readonly #capPerTick: number;
  readonly #rank: ((item: T) => number) | undefined;
  readonly #size: TickSize<T> | undefined;
  #items: T[] = [];
  #dropped = 0;

  /** `rank`: a small whole number per item, 0 for the items to drop first; without it, all rank alike. */
  constructor(capPerTick: number, rank?: (item: T) => number, size?: TickSize<T>) {
    this.#capPerTick = capPerTick;
    this.#rank = rank;
    this.#size = size;
  }

  push(item: T): void {
    this.#items.push(item);
    // Dropping in bulk once twice the cap is held keeps each push O(1), where a shift per push would not.
    if (this.#items.length >= 2 * this.#capPerTick) this.#dropOldest();
  }

  /** The tick's newest items and how many were left out, or `null` when nothing happened; starts the next tick. */
  take(): { items: T[]; omitted: number } | null {
    if (this.#items.length === 0 && this.#dropped === 0) return null;
    this.#dropOldest();
    this.#dropPastSize();
    const taken = { items: this.#items, omitted: this.#dropped };
    this.#items = [];
    this.#dropped = 0;
    return taken;
  }

  /** Counts items left out before they reached this buffer (a reader that skipped them), with the tick's. */
  omit(count: number): void {
    this.#dropped += count;
  }

  /** Forgets what is waiting and what was left out: it was about something that no longer exists. */
  clear(): void {
    this.#items = [];
    this.#dropped = 0;
  }

  /** The oldest items past `bytesPerTick`, the newest one always kept. */
  #dropPastSize(): void {
    if (this.#size === undefined) return;
    const { bytesPerTick, bytesOf } = this.#size;
    let used = 0;
    let first = this.#items.length;
    while (first > 0) {
      const size = bytesOf(this.#items[first - 1] as T);
      if (first < this.#items.length && used + size > bytesPerTick) break;
      used += size;
      first -= 1;
    }
    this.#dropped += first;
    if (first > 0) this.#items = this.#items.slice(first);
  }

  #dropOldest(): void {
    const excess = this.#items.length - this.#capPerTick;
    if (excess <= 0) return;
    this.#dropped += excess;
    const rank = this.#rank;
    if (rank === undefined) {
      this.#items.splice(0, excess);
      return;
    }
    // How many of each rank go: all of the lowest before any of the next, the oldest of a rank first.
    const held: number[] = [];
    for (const item of this.#items) {
      const level = rank(item);
      held[level] = (held[level] ?? 0) + 1;
    }
    const toDrop: number[] = [];
    let left = excess;
    for (let level = 0; level < held.length && left > 0; level += 1) {
      toDrop[level] = Math.min(left, held[level] ?? 0);
      left -= toDrop[level] ?? 0;
    }
    this.#items = this.#items.filter((item) => {
      const level = rank(item);
      const drop = toDrop[level] ?? 0;
      if (drop === 0) return true;
      toDrop[level] = drop - 1;
      return false;
    });
  }
}
