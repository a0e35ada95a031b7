import {
  argumentIssues,
  type CommandInput,
  type CommandResults,
  commandSchema,
  describeIssues,
  issueFields,
  type ServerMessage,
  serverMessageSchema,
} from '@streamscope/protocol';
import { useDashboard } from '../store/store';
import { reconnectDelay } from './backoff';
import { CommandError } from './command-error';
import { frameBatch } from './frame-batch';
import { webSocketUrl } from './ws-url';

/** How long a command waits for its `result` or `error` before it is given up as lost. */
export const COMMAND_TIMEOUT_MS = 15_000;

/**
 * How long a connection must stay up before the backoff starts over. Opening is not enough: a server that
 * accepts and drops the socket at once (1013 "too slow", a crash loop) would otherwise be retried four
 * times a second for as long as that lasts.
 */
export const STABLE_CONNECTION_MS = 5_000;

/**
 * A healthy server sends a snapshot every 250 ms. This long with no message at all means the connection is
 * dead though no 'close' came (a half-open TCP connection after a sleep or a network change): it is given up,
 * failing its commands before their own timeout, and made again. Not while the server says it cannot build
 * snapshots: it has nothing to send then.
 */
export const SILENCE_LIMIT_MS = 10_000;

export interface IssuedCommand<R> {
  /** The id the reply will carry; forms keep it to tell their own answer from a stale one. */
  requestId: string;
  result: Promise<R>;
}

export interface IssueOptions {
  /**
   * A background request (a trim preview as the user types): its answer is not recorded as the page's last
   * result, so it does not push aside the answer to something the user did.
   */
  quiet?: boolean;
}

interface PendingRequest {
  command: string;
  quiet: boolean;
  resolve: (result: unknown) => void;
  reject: (error: CommandError) => void;
  timer: ReturnType<typeof setTimeout>;
}

// One connection per page, owned by this module rather than a component: React StrictMode's double mount and
// re-renders must not open a second socket, and the store is fed from here whatever is on screen.
const pending = new Map<string, PendingRequest>();
let socket: WebSocket | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let started = false;
let failures = 0;
let openedAt: number | null = null;
let lastMessageAt = 0;
let watchdog: ReturnType<typeof setInterval> | null = null;
let requestCounter = 0;
let invalidMessages = 0;
// Not crypto.randomUUID(): that exists only in secure contexts, and the demo may be opened over plain http on a LAN.
const requestPrefix = Math.random().toString(36).slice(2, 8);

const store = () => useDashboard.getState();

/** Opens the connection and keeps it open, reconnecting with backoff; calling it again does nothing. */
export function startSocket(): void {
  if (started) return;
  started = true;
  connect();
}

/** Closes the connection for good and fails every command still waiting for an answer. */
export function stopSocket(): void {
  started = false;
  if (retryTimer !== null) clearTimeout(retryTimer);
  retryTimer = null;
  stopWatchdog();
  const current = socket;
  socket = null;
  current?.close(1000, 'page closed the connection');
  failPending('offline', 'the connection was closed');
}

/** Skips the rest of the backoff wait and tries at once. */
export function reconnectNow(): void {
  if (!started || retryTimer === null) return;
  clearTimeout(retryTimer);
  retryTimer = null;
  connect();
}

/**
 * Quiet requests that timed out: an answer that comes after all is as quiet as they were, not news for Last
 * result. Forgotten wholesale past a hundred: a server that answers nothing grows it no further.
 */
const quietGivenUp = new Set<string>();

function rememberQuietGivenUp(requestId: string): void {
  if (quietGivenUp.size >= 100) quietGivenUp.clear();
  quietGivenUp.add(requestId);
}

/**
 * Sends one command and returns its request id with a promise for the typed result. The promise rejects with a
 * {@link CommandError}: the server's error, an invalid command (checked here with the same schema the server
 * uses), no connection, or no answer within 15 s.
 *
 * @example
 * const { requestId, result } = issueCommand({ type: 'produce', count: 10 });
 * const { produced } = await result;
 */
export function issueCommand<C extends CommandInput>(
  command: C,
  options: IssueOptions = {},
): IssuedCommand<CommandResults[C['type']]> {
  const quiet = options.quiet === true;
  requestCounter += 1;
  const requestId = `${requestPrefix}-${requestCounter}`;
  const result = new Promise<CommandResults[C['type']]>((resolve, reject) => {
    const fail = (error: CommandError) => {
      if (!quiet)
        store().recordLastResult({
          requestId,
          command: command.type,
          at: Date.now(),
          outcome: { ok: false, code: error.code, message: error.message },
        });
      reject(error);
    };
    const parsed = commandSchema.safeParse(command);
    if (!parsed.success) {
      fail(
        new CommandError('bad_request', describeIssues(parsed.error), requestId, {
          fields: issueFields(parsed.error),
          issues: argumentIssues(parsed.error),
        }),
      );
      return;
    }
    const current = socket;
    if (current === null || current.readyState !== WebSocket.OPEN) {
      fail(
        new CommandError('offline', 'not connected to the server; try again once it reconnects', requestId),
      );
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(requestId);
      if (quiet) rememberQuietGivenUp(requestId);
      fail(
        new CommandError(
          'timeout',
          `no answer from the server within ${COMMAND_TIMEOUT_MS / 1000} s`,
          requestId,
        ),
      );
    }, COMMAND_TIMEOUT_MS);
    pending.set(requestId, {
      command: command.type,
      quiet,
      resolve: (value) => resolve(value as CommandResults[C['type']]),
      // Through `fail`, so an answer lost to a dropped connection shows in Last result as a timeout does.
      reject: fail,
      timer,
    });
    current.send(JSON.stringify({ requestId, ...parsed.data }));
  });
  return { requestId, result };
}

/** {@link issueCommand} for callers that need only the result. */
export function sendCommand<C extends CommandInput>(command: C): Promise<CommandResults[C['type']]> {
  return issueCommand(command).result;
}

function connect(): void {
  store().setConnection({ status: 'connecting', retryAt: null });
  let ws: WebSocket;
  try {
    ws = new WebSocket(webSocketUrl(window.location));
  } catch (error) {
    console.error('streamscope: cannot open the WebSocket', error);
    scheduleReconnect();
    return;
  }
  socket = ws;
  ws.addEventListener('open', () => {
    if (socket !== ws) return;
    openedAt = Date.now();
    lastMessageAt = openedAt;
    stopWatchdog();
    watchdog = setInterval(() => checkSilence(ws), 1_000);
    store().setConnection({ status: 'open', retryAt: null, failures: 0, everConnected: true, refused: null });
  });
  ws.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (socket !== ws) return;
    lastMessageAt = Date.now();
    receive(event.data);
  });
  // 'error' is always followed by 'close', which is where reconnecting happens.
  ws.addEventListener('close', () => {
    // Turned away at the handshake, the browser tells the page nothing of why: a plain request to the same
    // address does (a page opened off loopback without its ?token= looped "reconnecting" for good).
    if (socket === ws && openedAt === null) void askWhyRefused(ws.url);
    lose(ws, 'the connection dropped before the server answered');
  });
}

/** Sets `connection.refused` from what the server answers a plain GET of the WebSocket's address. */
async function askWhyRefused(webSocketAddress: string): Promise<void> {
  let status: number;
  try {
    status = (await fetch(webSocketAddress.replace(/^ws/, 'http'))).status;
  } catch {
    return; // the server is away: nothing refused the page
  }
  store().setConnection({
    refused:
      status === 401
        ? 'this server needs its token: open the page as /?token=…'
        : status === 403
          ? 'this server refuses pages from this origin or host name'
          : null,
  });
}

/** The connection `ws` is over: its commands fail with `reason`, and the next one is scheduled. */
function lose(ws: WebSocket, reason: string): void {
  if (socket !== ws) return;
  socket = null;
  stopWatchdog();
  if (openedAt !== null && Date.now() - openedAt >= STABLE_CONNECTION_MS) failures = 0;
  openedAt = null;
  failPending('offline', reason);
  scheduleReconnect();
}

function checkSilence(ws: WebSocket): void {
  const { health, hello } = store();
  if (health !== null) return;
  const limit = Math.max(SILENCE_LIMIT_MS, 4 * (hello?.snapshotIntervalMs ?? 0));
  if (Date.now() - lastMessageAt < limit) return;
  lose(ws, `no word from the server for ${Math.round(limit / 1000)} s: the connection was given up`);
  // Closing a dead connection may take the browser a long while to confirm; the page does not wait for it.
  ws.close(4000, 'no messages from the server');
}

function stopWatchdog(): void {
  if (watchdog !== null) clearInterval(watchdog);
  watchdog = null;
}

function scheduleReconnect(): void {
  if (!started) return;
  failures += 1;
  const delay = reconnectDelay(failures);
  store().setConnection({ status: 'waiting', retryAt: Date.now() + delay, failures });
  retryTimer = setTimeout(() => {
    retryTimer = null;
    connect();
  }, delay);
}

function failPending(code: 'offline', message: string): void {
  for (const [requestId, request] of pending) {
    clearTimeout(request.timer);
    request.reject(new CommandError(code, message, requestId));
  }
  pending.clear();
}

function receive(data: unknown): void {
  let json: unknown;
  try {
    json = typeof data === 'string' ? JSON.parse(data) : undefined;
  } catch {
    json = undefined;
  }
  const parsed = serverMessageSchema.safeParse(json);
  if (!parsed.success) {
    // Log the first few and then every hundredth: a server on another protocol version would flood the console.
    invalidMessages += 1;
    const version = helloVersion(json);
    if (version !== null) store().receiveServerVersion(version);
    else if (isSnapshotMessage(json)) store().receiveUnreadableSnapshot(describeIssues(parsed.error));
    if (invalidMessages <= 5 || invalidMessages % 100 === 0) {
      console.warn(
        `streamscope: dropped invalid server message #${invalidMessages}`,
        parsed.error.issues,
        json,
      );
    }
    return;
  }
  const message = parsed.data;
  if (message.type === 'snapshot' || message.type === 'deliveries' || message.type === 'tail') {
    live.push(message);
  } else {
    // What came before it is applied first, so the store sees messages in the order they were sent.
    live.flush();
    dispatch(message);
  }
}

/** A message that says it is a snapshot, whatever else it holds. */
function isSnapshotMessage(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'snapshot';
}

/** The version a `hello` names, however the rest of it reads. */
function helloVersion(json: unknown): number | null {
  if (typeof json !== 'object' || json === null) return null;
  const { type, version } = json as { type?: unknown; version?: unknown };
  return type === 'hello' && typeof version === 'number' ? version : null;
}

/**
 * Snapshots, deliveries and tail entries arrive several times per tick; applied together once per frame,
 * they cost one render instead of one each, which at thousands of events a second is the difference
 * between a smooth page and a stuck one.
 */
const live = frameBatch<ServerMessage>((messages) => {
  for (const message of messages) dispatch(message);
});

function dispatch(message: ServerMessage): void {
  switch (message.type) {
    case 'hello':
      store().receiveHello(message);
      return;
    case 'snapshot':
      store().receiveSnapshot(message);
      return;
    case 'history':
      store().receiveHistory(message.points);
      return;
    case 'health':
      store().receiveHealth(message);
      return;
    case 'deliveries':
      store().receiveDeliveries(message.events, message.omitted);
      return;
    case 'tail':
      store().receiveLiveTail(message.entries, message.omitted);
      return;
    case 'result': {
      const request = pending.get(message.requestId);
      if (request === undefined && quietGivenUp.delete(message.requestId)) return;
      if (request?.quiet !== true)
        store().recordLastResult({
          requestId: message.requestId,
          command: message.command,
          at: Date.now(),
          outcome: { ok: true, result: message.result },
        });
      if (request === undefined) return;
      pending.delete(message.requestId);
      clearTimeout(request.timer);
      request.resolve(message.result);
      return;
    }
    case 'error': {
      const request = message.requestId === null ? undefined : pending.get(message.requestId);
      if (request === undefined && message.requestId !== null && quietGivenUp.delete(message.requestId))
        return;
      if (request === undefined || message.requestId === null) {
        store().recordLastResult({
          requestId: message.requestId,
          command: 'unknown',
          at: Date.now(),
          outcome: { ok: false, code: message.code, message: message.message },
        });
        return;
      }
      pending.delete(message.requestId);
      clearTimeout(request.timer);
      // Records it in Last result, unless the request was a quiet one.
      request.reject(
        new CommandError(message.code, message.message, message.requestId, { fields: message.fields ?? [] }),
      );
      return;
    }
  }
}
