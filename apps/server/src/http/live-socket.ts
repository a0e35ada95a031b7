import { upgradeWebSocket, type WebSocketLike } from '@hono/node-server';
import type { ErrorMessage } from '@streamscope/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import type { WebSocket } from 'ws';
import type { LiveClient, LiveHub } from '../live/live-hub.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { runCommand } from '../pipeline/run-command.js';
import { type AccessOptions, originAllowed } from './access.js';
import { errorReply } from './error-reply.js';
import { parseCommand } from './parse-command.js';

const REQUEST_ID_MAX = 64;

/** `GET /ws`: the live feed out, commands in. Every message gets an answer; none can break the socket. */
export function liveSocket(pipeline: Pipeline, hub: LiveHub, access: AccessOptions): MiddlewareHandler[] {
  const refuseForeignOrigin: MiddlewareHandler = async (c: Context, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !originAllowed(origin, c, access)) {
      return c.json({ code: 'refused', message: `WebSocket from origin ${origin} refused` }, 403);
    }
    return next();
  };
  const upgrade = upgradeWebSocket(() => {
    let client: LiveClient | undefined;
    return {
      onOpen(_event, ws) {
        const socket = ws.raw as WebSocketLike & Pick<WebSocket, 'bufferedAmount'>;
        client = {
          send: (data) => socket.send(data),
          close: (code, reason) => socket.close(code, reason),
          get bufferedAmount() {
            return socket.bufferedAmount;
          },
        };
        hub.add(client);
      },
      onMessage(event, _ws) {
        if (client) void handleMessage(pipeline, hub, client, event.data);
      },
      onClose() {
        if (client) hub.remove(client);
      },
      onError() {
        if (client) hub.remove(client);
      },
    };
  });
  return [refuseForeignOrigin, upgrade];
}

async function handleMessage(
  pipeline: Pipeline,
  hub: LiveHub,
  client: LiveClient,
  data: unknown,
): Promise<void> {
  let requestId: string | null = null;
  const fail = (code: ErrorMessage['code'], message: string) =>
    hub.sendTo(client, { type: 'error', requestId, code, message });
  if (typeof data !== 'string') return fail('bad_json', 'messages must be JSON text, not binary');
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch (error) {
    return fail('bad_json', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return fail('bad_request', 'a message must be a JSON object with "requestId" and "type"');
  }
  const { requestId: given, ...command } = message as { requestId?: unknown };
  if (typeof given !== 'string' || given.length === 0 || given.length > REQUEST_ID_MAX) {
    return fail(
      'bad_request',
      `requestId must be a non-empty string of at most ${REQUEST_ID_MAX} characters`,
    );
  }
  requestId = given;
  try {
    const parsed = parseCommand(command);
    const result = await runCommand(pipeline, parsed);
    hub.sendTo(client, { type: 'result', requestId, command: parsed.type, result });
    hub.refresh();
  } catch (error) {
    const { code, message: text } = errorReply(error);
    fail(code, text);
  }
}
