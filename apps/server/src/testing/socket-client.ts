import { randomUUID } from 'node:crypto';
import { type CommandInput, type ServerMessage, serverMessageSchema } from '@streamscope/protocol';
import { WebSocket } from 'ws';

/** A test's browser stand-in: a real `ws` client that records every message and pairs replies by id. */
export class SocketClient {
  readonly messages: ServerMessage[] = [];
  readonly socket: WebSocket;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.messages.push(serverMessageSchema.parse(JSON.parse(String(data))));
      for (const wake of this.#waiters) wake();
    });
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SocketClient> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers });
    const client = new SocketClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Sends a command and resolves with its `result` or `error` reply. */
  async request(command: CommandInput | Record<string, unknown>): Promise<ServerMessage> {
    const requestId = randomUUID();
    this.socket.send(JSON.stringify({ requestId, ...command }));
    return this.next(
      (message) => (message.type === 'result' || message.type === 'error') && message.requestId === requestId,
    );
  }

  /** The first message (already received or still to come) that matches. */
  next<T extends ServerMessage>(
    match: (message: ServerMessage) => message is T,
    timeoutMs?: number,
  ): Promise<T>;
  next(match: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  next(match: (message: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < this.messages.length; seen++) {
          const message = this.messages[seen];
          if (message && match(message)) {
            done();
            resolve(message);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
