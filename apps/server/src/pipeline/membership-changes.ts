import { Mutex } from 'async-mutex';
import { shuttingDown } from './command-error.js';

/**
 * Resets, consumer adds and removals and group commands, one at a time: overlapping, one's delete would land
 * between another's steps (see `Pipeline.reset`). None starts once the pipeline's close has begun.
 */
export class MembershipChanges {
  readonly #queue = new Mutex();
  #closed = false;

  /** Set once `close` has begun: the pipeline takes no more commands, as their work would outlive it. */
  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
  }

  /**
   * A reset, add or removal: one at a time, and refused once `close` has begun, including one that was queued
   * behind another when it did, as its work would outlive the pipeline.
   */
  change<T>(change: () => Promise<T>): Promise<T> {
    return this.#queue.runExclusive(async () => {
      if (this.#closed) throw shuttingDown();
      return change();
    });
  }

  /**
   * Runs `task` after the changes queued before it, whether or not `close` has begun: background work that
   * decides for itself whether it is still wanted (a group re-created, consumers started again).
   */
  serially<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.runExclusive(task);
  }
}
