import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { CommandError } from '../pipeline/command-error.js';

/**
 * Requests one HTTP client (one peer address) may have running at once on the routes that reach Redis. Without
 * a bound, one script sending 200 `produce {count: 10000}` at once queued every other caller's append behind
 * all of them (another client's command waited 54 s); 1,000 trim previews at once kept a one-entry replay
 * waiting 11 s and took the process to 540 MB.
 * Four, as for a WebSocket: each may be a `produce` of 10,000, and others wait behind about a second of them.
 */
export const MAX_REQUESTS_PER_CLIENT = 4;

/**
 * A request refused because its client already has {@link MAX_REQUESTS_PER_CLIENT} running: `busy`, HTTP 429.
 * The client's own pace is what to change, not what it asked.
 */
export class ClientBusyError extends CommandError {
  override name = 'ClientBusyError';

  constructor(message: string) {
    super('busy', message);
  }
}

/**
 * Counts what each client holds (requests in flight, open sockets) and refuses, at once, what goes beyond the
 * bound.
 */
export class ClientLimit {
  readonly #held = new Map<string, number>();

  constructor(readonly max: number = MAX_REQUESTS_PER_CLIENT) {}

  /**
   * Runs `task` as one of the client's requests, or throws {@link ClientBusyError} without running it.
   * Requests made in-process (`app.request()`, the tests) have no peer and are not counted.
   */
  async run<T>(c: Context, task: () => Promise<T>): Promise<T> {
    return this.runFor(peerAddress(c), task, 'requests');
  }

  /** {@link run} for a client known by its address (`undefined`: not counted); `what` names them in the refusal. */
  async runFor<T>(client: string | undefined, task: () => Promise<T>, what = 'requests'): Promise<T> {
    if (client === undefined) return task();
    const release = this.take(client);
    if (!release) {
      throw new ClientBusyError(
        `${this.held(client)} ${what} from ${client} are still running, the most one client may have at once; wait for their answers before sending more`,
      );
    }
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Takes one of the client's places, given back by calling what it returns; `null` when all are taken. */
  take(client: string): (() => void) | null {
    const held = this.held(client);
    if (held >= this.max) return null;
    this.#held.set(client, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.held(client) - 1;
      if (left <= 0) this.#held.delete(client);
      else this.#held.set(client, left);
    };
  }

  /** How many places the client holds now. */
  held(client: string): number {
    return this.#held.get(client) ?? 0;
  }
}

/**
 * The TCP peer's address as @hono/node-server passes it (`c.env.incoming`); undefined in-process. A socket
 * that the client has already reset has no address any more: its requests share one count rather than
 * going uncounted.
 */
export function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  if (!env?.incoming) return undefined;
  return env.incoming.socket.remoteAddress ?? 'a client that hung up';
}
