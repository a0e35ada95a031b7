import type { IncomingMessage } from 'node:http';
import { upgradeWebSocket, type WebSocketLike } from '@hono/node-server';
import type { Command, ErrorMessage } from '@streamscope/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import type { WebSocket } from 'ws';
import type { LiveClient, LiveHub } from '../live/live-hub.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { READ_ONLY_COMMANDS, refuseAtOnce, runCommand } from '../pipeline/run-command.js';
import { type AccessOptions, originAllowed } from './access.js';
import { ClientLimit, peerAddress } from './client-limit.js';
import { errorReply, retryAfter } from './error-reply.js';
import { HEARTBEAT_MS, keepAlive } from './heartbeat.js';
import { parseCommand } from './parse-command.js';

const REQUEST_ID_MAX = 64;
/**
 * Commands one socket may have running at once. A page sends one per click and waits for its answer; without
 * a bound, one client sending hundreds of `produce {count: 10000}` at once took the process to gigabytes and
 * kept every other page's commands waiting for seconds. Further ones are refused at once, the socket stays open.
 * Four, not more: each may be a `produce` of 10,000, and another page's command waits behind those in flight
 * (about 1 s behind four; 2 s behind eight).
 */
export const MAX_COMMANDS_IN_FLIGHT = 4;
/**
 * Commands one client address may have running at once over all its sockets. The bound per socket alone let a
 * script open ten sockets and run 40 `produce {count: 10000}` at once, while another caller's produce of one
 * waited 19 s. Two sockets' worth, not one: on loopback every page is the same address, and one busy page
 * must not shut a second one out.
 */
export const MAX_SOCKET_COMMANDS_PER_CLIENT = 2 * MAX_COMMANDS_IN_FLIGHT;
/**
 * Sockets one client address may have open. Each one that stops reading holds up to a megabyte of unsent
 * snapshots before ticks are skipped for it: 300 from one script took the server from 580 MB to 1.25 GB. A
 * handful of tabs needs a handful; 64 leaves room for a load test of many pages from one machine.
 */
export const MAX_SOCKETS_PER_CLIENT = 64;

/** The most characters of a refusal's message its header carries. */
const REFUSAL_HEADER_CHARS = 300;

/**
 * A refused upgrade (foreign host or origin, no token, too many sockets) reaches its client without a body: for an
 * upgrade request, @hono/node-server writes only the status line and headers. So the refusal's message goes in the
 * `X-Streamscope-Error` header too (printable ASCII, cut at REFUSAL_HEADER_CHARS). It goes before every check that
 * can refuse one, so that their refusals are seen here.
 */
export const upgradeRefusalsSay: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status < 400 || c.req.header('upgrade')?.toLowerCase() !== 'websocket') return;
  const body: unknown = await c.res
    .clone()
    .json()
    .catch(() => null);
  const message = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : '';
  if (message !== '') {
    c.res.headers.set(
      'x-streamscope-error',
      message.replace(/[^\x20-\x7e]/g, '?').slice(0, REFUSAL_HEADER_CHARS),
    );
  }
};

/** `GET /ws`: the live feed out, commands in. Every message gets an answer; none can break the socket. */
export function liveSocket(
  pipeline: Pipeline,
  hub: LiveHub,
  access: AccessOptions,
  { heartbeatMs = HEARTBEAT_MS }: { heartbeatMs?: number } = {},
): MiddlewareHandler[] {
  const refuseForeignOrigin: MiddlewareHandler = async (c: Context, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !originAllowed(origin, c, access)) {
      return c.json({ code: 'refused', message: `WebSocket from origin ${origin} refused` }, 403);
    }
    return next();
  };
  // Counted from the upgrade request until its TCP connection closes: a burst of upgrades is counted before
  // any of them opens, and a handshake that never completes gives its place back.
  const openSockets = new ClientLimit(MAX_SOCKETS_PER_CLIENT);
  const limitSockets: MiddlewareHandler = async (c, next) => {
    const address = peerAddress(c);
    const connection = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
    // A plain GET (no upgrade) shares a keep-alive connection with other requests: nothing to count.
    const upgrading = c.req.header('upgrade')?.toLowerCase() === 'websocket';
    if (!upgrading || address === undefined || connection === undefined) return next();
    // Without `Connection: Upgrade` Node serves it as a plain request: no socket opens, and a slot counted for
    // it stayed taken as long as its keep-alive connection lived. Sixty-four such requests on one connection
    // shut every page of that address out, each of them answered an empty 500.
    const connectionTokens = (c.req.header('connection') ?? '').toLowerCase().split(',');
    if (!connectionTokens.some((token) => token.trim() === 'upgrade')) {
      return c.json(
        {
          code: 'bad_request',
          message: 'GET /ws is a WebSocket: send it with Connection: Upgrade as well as Upgrade: websocket',
        },
        426,
        { upgrade: 'websocket' },
      );
    }
    const release = openSockets.take(address);
    if (!release) {
      return c.json(
        {
          code: 'busy',
          message: `${openSockets.held(address)} WebSockets from ${address} are open, the most one client may have; close one first`,
        },
        429,
        retryAfter(429),
      );
    }
    connection.once('close', release);
    return next();
  };
  const perClient = new ClientLimit(MAX_SOCKET_COMMANDS_PER_CLIENT);
  const upgrade = upgradeWebSocket((c) => {
    const address = peerAddress(c);
    let client: LiveClient | undefined;
    let stopHeartbeat: (() => void) | undefined;
    let inFlight = 0;
    return {
      onOpen(_event, ws) {
        const socket = ws.raw as WebSocketLike &
          Pick<WebSocket, 'bufferedAmount' | 'ping' | 'terminate' | 'on'>;
        client = {
          send: (data) => socket.send(data),
          close: (code, reason) => socket.close(code, reason),
          get bufferedAmount() {
            return socket.bufferedAmount;
          },
        };
        hub.add(client);
        stopHeartbeat = keepAlive(socket, heartbeatMs);
      },
      onMessage(event, _ws) {
        if (!client) return;
        const message = decode(event.data);
        if (message.kind === 'invalid') {
          hub.sendTo(client, { type: 'error', ...message.error });
          return;
        }
        try {
          refuseAtOnce(pipeline, message.command);
        } catch (error) {
          sendError(hub, client, message.requestId, error);
          return;
        }
        if (inFlight >= MAX_COMMANDS_IN_FLIGHT) {
          hub.sendTo(client, {
            type: 'error',
            requestId: message.requestId,
            code: 'busy',
            message: `${inFlight} commands from this socket are still running; wait for their answers before sending more`,
          });
          return;
        }
        inFlight += 1;
        void run(pipeline, hub, client, message, (task) =>
          perClient.runFor(address, task, 'commands'),
        ).finally(() => {
          inFlight -= 1;
        });
      },
      onClose() {
        stopHeartbeat?.();
        if (client) hub.remove(client);
      },
      onError() {
        stopHeartbeat?.();
        if (client) hub.remove(client);
      },
    };
  });
  // A plain GET reached the socket's route: it exists, but speaks only WebSocket.
  const upgradeRequired: MiddlewareHandler = async (c) =>
    c.json({ code: 'bad_request', message: 'GET /ws is a WebSocket: send it with Upgrade: websocket' }, 426, {
      upgrade: 'websocket',
    });
  return [refuseForeignOrigin, limitSockets, upgrade, upgradeRequired];
}

type Decoded =
  | { readonly kind: 'command'; readonly requestId: string; readonly command: Command }
  | { readonly kind: 'invalid'; readonly error: Omit<ErrorMessage, 'type'> };

/** A message as a command, or the error reply that says what is wrong with it (no Redis involved). */
function decode(data: unknown): Decoded {
  let requestId: string | null = null;
  const invalid = (code: ErrorMessage['code'], message: string, fields?: string[]): Decoded => ({
    kind: 'invalid',
    error: { requestId, code, message, ...(fields ? { fields } : {}) },
  });
  if (typeof data !== 'string') return invalid('bad_json', 'messages must be JSON text, not binary');
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch (error) {
    return invalid('bad_json', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return invalid('bad_request', 'a message must be a JSON object with "requestId" and "type"');
  }
  const { requestId: given, ...command } = message as { requestId?: unknown };
  if (typeof given !== 'string' || given.length === 0 || given.length > REQUEST_ID_MAX) {
    return invalid(
      'bad_request',
      `requestId must be a non-empty string of at most ${REQUEST_ID_MAX} characters`,
    );
  }
  requestId = given;
  try {
    return { kind: 'command', requestId, command: parseCommand(command) };
  } catch (error) {
    const { code, message: text, fields } = errorReply(error);
    return invalid(code, text, fields);
  }
}

async function run(
  pipeline: Pipeline,
  hub: LiveHub,
  client: LiveClient,
  { requestId, command }: { readonly requestId: string; readonly command: Command },
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<void> {
  try {
    const result = await limit(() => runCommand(pipeline, command));
    hub.sendTo(client, { type: 'result', requestId, command: command.type, result });
    if (!READ_ONLY_COMMANDS.has(command.type)) hub.refresh();
  } catch (error) {
    sendError(hub, client, requestId, error);
  }
}

function sendError(hub: LiveHub, client: LiveClient, requestId: string, error: unknown): void {
  const { code, message, fields } = errorReply(error);
  hub.sendTo(client, { type: 'error', requestId, code, message, ...(fields ? { fields } : {}) });
}
