/**
 * Remembers the last `capacity` keys written, with their values, forgetting the oldest first in O(1). A Map
 * alone cannot: deleting its first key again and again leaves holes that every `keys().next()` walks past.
 * Writing a key it already holds updates the value without making the key newer, so that no key ever holds
 * two places in the order and is forgotten by the older one.
 */
export class RecentMap<K, V> {
  readonly #values = new Map<K, V>();
  readonly #order: (K | undefined)[];
  #next = 0;

  constructor(readonly capacity: number) {
    this.#order = new Array(capacity);
  }

  set(key: K, value: V): void {
    if (!this.#values.has(key)) {
      if (this.capacity === 0) return;
      const oldest = this.#order[this.#next];
      if (oldest !== undefined) this.#values.delete(oldest);
      this.#order[this.#next] = key;
      this.#next = (this.#next + 1) % this.capacity;
    }
    this.#values.set(key, value);
  }

  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  has(key: K): boolean {
    return this.#values.has(key);
  }

  get size(): number {
    return this.#values.size;
  }
}
