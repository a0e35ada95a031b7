/**
 * Items waiting for the next tick. Past `capPerTick` they are only counted: at thousands of events per
 * second a browser wants a sample and an honest count, not every event.
 */
export class TickBuffer<T> {
  readonly #capPerTick: number;
  #items: T[] = [];
  #omitted = 0;

  constructor(capPerTick: number) {
    this.#capPerTick = capPerTick;
  }

  push(item: T): void {
    if (this.#items.length < this.#capPerTick) this.#items.push(item);
    else this.#omitted += 1;
  }

  /** The tick's items and how many were left out, or `null` when nothing happened; starts the next tick. */
  take(): { items: T[]; omitted: number } | null {
    if (this.#items.length === 0 && this.#omitted === 0) return null;
    const taken = { items: this.#items, omitted: this.#omitted };
    this.#items = [];
    this.#omitted = 0;
    return taken;
  }
}
