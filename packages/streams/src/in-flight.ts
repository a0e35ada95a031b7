/**
 * Commands a client can stop waiting for. ioredis never settles a command that was in flight when its
 * connection dropped, not until a reconnect succeeds, and a connection closed while reconnecting never
 * reconnects: a closing worker or tail would wait forever. One give-up callback per command, removed when it
 * settles, so nothing outlives its command; after `abandon`, new ones fail at once.
 */
export class InFlight {
  readonly #giveUps = new Set<(error: Error) => void>();
  #abandoned: Error | null = null;

  /** The command's outcome, unless `abandon` comes first: then its error. */
  track<T>(command: Promise<T>): Promise<T> {
    command.catch(() => {});
    if (this.#abandoned) return Promise.reject(this.#abandoned);
    return new Promise<T>((resolve, reject) => {
      this.#giveUps.add(reject);
      command.then(
        (value) => {
          this.#giveUps.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#giveUps.delete(reject);
          reject(error);
        },
      );
    });
  }

  /** Stops waiting for every tracked command, and for any tracked later. */
  abandon(error: Error): void {
    this.#abandoned = error;
    for (const giveUp of this.#giveUps) giveUp(error);
    this.#giveUps.clear();
  }
}
