import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from './fake-web-socket';

// The client keeps one connection per page in module state: each test loads a fresh copy, and its store.
async function load() {
  vi.resetModules();
  const client = await import('./socket-client');
  const { useDashboard } = await import('../store/store');
  return { ...client, store: useDashboard };
}

/** The client loaded, started, and its socket open and greeted, as after a page load. */
async function loadConnected() {
  const loaded = await load();
  loaded.startSocket();
  const socket = FakeWebSocket.latest();
  socket.open();
  socket.receive(hello);
  return { ...loaded, socket };
}

const hello = {
  type: 'hello',
  version: 1,
  streamKey: 'demo:events',
  maxlen: null,
  claimMinIdleMs: 5_000,
  deadLetterKey: 'demo:events:dlq',
  maxDeliveries: 5,
  snapshotIntervalMs: 250,
};

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.sockets = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('window', { location: { protocol: 'http:', host: 'localhost:8788', search: '' } });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('socket client', () => {
  it('fails a command in flight at once when the connection drops, says so in Last result, and never resends it', async () => {
    const { stopSocket, issueCommand, store, socket: first } = await loadConnected();
    const { requestId, result } = issueCommand({ type: 'produce', count: 1 });
    const outcome = result.catch((error: unknown) => error);
    expect(first.sent).toEqual([expect.objectContaining({ requestId, type: 'produce' })]);
    first.drop();
    await expect(outcome).resolves.toMatchObject({ code: 'offline', requestId });
    expect(store.getState().lastResult).toMatchObject({
      requestId,
      command: 'produce',
      outcome: { ok: false, code: 'offline' },
    });
    await vi.advanceTimersByTimeAsync(10_000);
    const second = FakeWebSocket.latest();
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent).toEqual([]);
    stopSocket();
  });

  it("rejects with the server's error, recorded in Last result unless the request was quiet", async () => {
    const { startSocket, stopSocket, issueCommand, store } = await load();
    startSocket();
    const socket = FakeWebSocket.latest();
    socket.open();
    const loud = issueCommand({ type: 'produce', count: 1 });
    const quiet = issueCommand({ type: 'produce', count: 2 }, { quiet: true });
    const outcomes = [
      loud.result.catch((error: unknown) => error),
      quiet.result.catch((error: unknown) => error),
    ];
    socket.receive({ type: 'error', requestId: loud.requestId, code: 'conflict', message: 'no' });
    const recorded = store.getState().lastResult;
    socket.receive({ type: 'error', requestId: quiet.requestId, code: 'refused', message: 'busy' });
    await expect(Promise.all(outcomes)).resolves.toMatchObject([{ code: 'conflict' }, { code: 'refused' }]);
    expect(recorded).toMatchObject({
      requestId: loud.requestId,
      command: 'produce',
      outcome: { code: 'conflict' },
    });
    expect(store.getState().lastResult).toBe(recorded);
    stopSocket();
  });

  it("an answer to a quiet request that timed out stays quiet; a loud one's still shows", async () => {
    const { stopSocket, issueCommand, store, socket } = await loadConnected();
    const quiet = issueCommand({ type: 'trim.preview', maxlen: 10 }, { quiet: true });
    const loud = issueCommand({ type: 'produce', count: 1 });
    const outcomes = [quiet.result, loud.result].map((result) => result.catch((error: unknown) => error));
    // The server stays in touch (no silence to give the connection up for) but never answers these two.
    for (let second = 0; second < 15; second += 1) {
      socket.receive({ type: 'deliveries', events: [], omitted: 0 });
      await vi.advanceTimersByTimeAsync(1_000);
    }
    await expect(Promise.all(outcomes)).resolves.toMatchObject([{ code: 'timeout' }, { code: 'timeout' }]);
    const timedOut = store.getState().lastResult;
    expect(timedOut).toMatchObject({ requestId: loud.requestId, outcome: { code: 'timeout' } });
    socket.receive({ type: 'result', requestId: quiet.requestId, command: 'trim.preview', result: {} });
    expect(store.getState().lastResult).toBe(timedOut);
    socket.receive({
      type: 'result',
      requestId: loud.requestId,
      command: 'produce',
      result: { produced: 1 },
    });
    expect(store.getState().lastResult).toMatchObject({ requestId: loud.requestId, outcome: { ok: true } });
    stopSocket();
  });

  it('backs off further each time a server accepts the connection and drops it at once', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { startSocket, stopSocket, store } = await load();
    startSocket();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const socket = FakeWebSocket.latest();
      socket.open();
      socket.receive(hello);
      socket.drop();
      const { retryAt } = store.getState().connection;
      delays.push((retryAt ?? 0) - Date.now());
      await vi.advanceTimersByTimeAsync(10_000);
    }
    // 250 ms doubling to the 5 s cap, half of it fixed: 125, 250, 500, 1000, 2000, 2500.
    expect(delays).toEqual([125, 250, 500, 1_000, 2_000, 2_500]);
    stopSocket();
  });

  it('starts the backoff over after a connection that stayed up', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { startSocket, stopSocket, store } = await load();
    startSocket();
    for (let attempt = 0; attempt < 4; attempt += 1) {
      FakeWebSocket.latest().drop();
      await vi.advanceTimersByTimeAsync(10_000);
    }
    const socket = FakeWebSocket.latest();
    socket.open();
    socket.receive(hello);
    for (let tick = 0; tick < 40; tick += 1) {
      await vi.advanceTimersByTimeAsync(250);
      socket.receive({ type: 'health', failingSince: null, reason: null });
    }
    socket.drop();
    const { retryAt, failures } = store.getState().connection;
    expect(failures).toBe(1);
    expect((retryAt ?? 0) - Date.now()).toBe(125);
    stopSocket();
  });

  it('gives up a connection that went silent while the server was healthy, failing its commands, and opens another', async () => {
    const { startSocket, stopSocket, issueCommand, store, SILENCE_LIMIT_MS, COMMAND_TIMEOUT_MS } =
      await load();
    expect(SILENCE_LIMIT_MS).toBeLessThan(COMMAND_TIMEOUT_MS);
    startSocket();
    const first = FakeWebSocket.latest();
    first.open();
    first.receive(hello);
    // A snapshot every 250 ms (any message will do) keeps the connection.
    for (let tick = 0; tick < 200; tick += 1) {
      await vi.advanceTimersByTimeAsync(250);
      first.receive({ type: 'health', failingSince: null, reason: null });
    }
    expect(FakeWebSocket.sockets).toHaveLength(1);
    // Then nothing, and no 'close' either: a half-open TCP connection (sleep, a network change).
    const { result } = issueCommand({ type: 'produce', count: 1 });
    const outcome = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(SILENCE_LIMIT_MS + 1_000);
    await expect(outcome).resolves.toMatchObject({ code: 'offline' });
    expect(first.readyState).toBe(FakeWebSocket.CLOSED);
    expect(store.getState().connection.status).not.toBe('open');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeWebSocket.sockets).toHaveLength(2);
    stopSocket();
  });

  it('keeps a silent connection while the server says it cannot build snapshots', async () => {
    const { stopSocket, store, SILENCE_LIMIT_MS, socket } = await loadConnected();
    socket.receive({ type: 'health', failingSince: Date.now(), reason: 'Redis is unavailable' });
    await vi.advanceTimersByTimeAsync(SILENCE_LIMIT_MS * 3);
    expect(store.getState().connection.status).toBe('open');
    expect(FakeWebSocket.sockets).toHaveLength(1);
    stopSocket();
  });

  it('tells the page which protocol a server speaks even when its hello is not one this page can read', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { startSocket, stopSocket, store } = await load();
    startSocket();
    const socket = FakeWebSocket.latest();
    socket.open();
    socket.receive({ type: 'hello', version: 2, stream: { key: 'demo:events' } });
    expect(store.getState().serverVersion).toBe(2);
    socket.receive(hello);
    expect(store.getState().serverVersion).toBe(1);
    stopSocket();
  });

  it('keeps one socket however often the page asks to reconnect', async () => {
    const { startSocket, stopSocket, reconnectNow } = await load();
    startSocket();
    startSocket();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      FakeWebSocket.latest().drop();
      reconnectNow();
      reconnectNow();
    }
    const live = FakeWebSocket.sockets.filter((socket) => socket.readyState !== FakeWebSocket.CLOSED);
    expect(live).toHaveLength(1);
    stopSocket();
    expect(FakeWebSocket.latest().readyState).toBe(FakeWebSocket.CLOSED);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.sockets.filter((s) => s.readyState !== FakeWebSocket.CLOSED)).toHaveLength(0);
  });

  it('drops malformed and schema-invalid messages without breaking the page, logging the first few and every hundredth', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { stopSocket, store, socket } = await loadConnected();
    for (let index = 0; index < 50; index += 1) {
      socket.receive('{not json');
      socket.receive({ type: 'snapshot', seq: 'one' });
    }
    expect(warn).toHaveBeenCalledTimes(6);
    expect(store.getState().hello?.streamKey).toBe('demo:events');
    expect(store.getState().connection.status).toBe('open');
    stopSocket();
  });
});
