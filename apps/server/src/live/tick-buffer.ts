/**
 * Items waiting for the next tick. Past `capPerTick` the oldest are dropped and only counted: at thousands
 * of events per second a browser wants the newest of them and an honest count, not every event, and a live
 * list shows the newest at its top.
 */
export class TickBuffer<T> {
  readonly #capPerTick: number;
  #items: T[] = [];
  #dropped = 0;

  constructor(capPerTick: number) {
    this.#capPerTick = capPerTick;
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
    const taken = { items: this.#items, omitted: this.#dropped };
    this.#items = [];
    this.#dropped = 0;
    return taken;
  }

  #dropOldest(): void {
    const excess = this.#items.length - this.#capPerTick;
    if (excess <= 0) return;
    this.#items.splice(0, excess);
    this.#dropped += excess;
  }
}
