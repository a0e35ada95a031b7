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

/** A request refused because its client already has {@link MAX_REQUESTS_PER_CLIENT} running: HTTP 429. */
export class ClientBusyError extends CommandError {
  override name = 'ClientBusyError';

  constructor(message: string) {
    super('refused', message);
  }
}

/** Counts each client's requests in flight and refuses, at once, the ones beyond the bound. */
export class ClientLimit {
  readonly #running = new Map<string, number>();

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
    const running = this.#running.get(client) ?? 0;
    if (running >= this.max) {
      throw new ClientBusyError(
        `${running} ${what} from ${client} are still running, the most one client may have at once; wait for their answers before sending more`,
      );
    }
    this.#running.set(client, running + 1);
    try {
      return await task();
    } finally {
      const left = (this.#running.get(client) ?? 1) - 1;
      if (left === 0) this.#running.delete(client);
      else this.#running.set(client, left);
    }
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
