/**
 * Runs tasks one at a time per key, each after the previous one of its key has settled, in the order they
 * were asked for. A failed task does not stop the next. Keys with nothing queued are forgotten.
 */
export class SerialRuns<K> {
  readonly #last = new Map<K, Promise<void>>();

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.#last.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const settled = result.then(
      () => {},
      () => {},
    );
    this.#last.set(key, settled);
    void settled.then(() => {
      if (this.#last.get(key) === settled) this.#last.delete(key);
    });
    return result;
  }
}
