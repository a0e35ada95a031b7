import type { AddressInfo } from 'node:net';
import { serve, type WebSocketServerLike } from '@hono/node-server';
import { type Hello, PROTOCOL_VERSION } from '@streamscope/protocol';
import { closeRedis, failUnansweredOnDrop, StreamTail } from '@streamscope/streams';
import type { Hono } from 'hono';
import { Redis } from 'ioredis';
import { WebSocket, type WebSocketServer } from 'ws';
import type { ServerConfig } from './config.js';
import { createApp, errorBody } from './http/app.js';
import { errorReply } from './http/error-reply.js';
import { createMetrics } from './http/metrics.js';
import { LiveHub, type RedisAsk } from './live/live-hub.js';
import { SnapshotBuilder } from './live/snapshot-builder.js';
import { isRedisUnavailable } from './pipeline/command-error.js';
import type { GroupSeed } from './pipeline/consumer-ref.js';
import { Pipeline, type SeedResult } from './pipeline/pipeline.js';
import { namingOverwrittenKeys } from './pipeline/run-command.js';
import { connectRedis, type RedisConnection } from './redis-connection.js';

export interface StartOptions {
  /** Where the built dashboard lives (tests may point elsewhere). */
  readonly webRoot?: string;
  /** Overrides the configuration's `--seed`. */
  readonly seeds?: readonly GroupSeed[];
  readonly allowedOrigins?: readonly string[];
  /** How often browser sockets are pinged, a silent one closed at the next (30 s; tests shorten it). */
  readonly heartbeatMs?: number;
  /** Diagnostics that should not stop the server (a producer batch lost to a Redis outage, say). */
  readonly log?: (message: string) => void;
  readonly snapshotIntervalMs?: number;
  /** How long a snapshot may wait on Redis before the pages are told their figures froze (see `LiveHubOptions`). */
  readonly snapshotStallMs?: number;
  /** How long a requeue-all waits for the groups to make room (see `PipelineOptions.requeueRoomWaitMs`). */
  readonly requeueRoomWaitMs?: number;
  /**
   * Called once the port is bound and a reset start's checks have passed, just before it deletes the stream (for
   * the startup line, which said "Deleting…" of a start then refused, deleting nothing).
   */
  readonly beforeReset?: () => void;
  /** Called when a `--no-reset` start finds a reset that was cut off part-way, which it finishes instead. */
  readonly finishingCutOffReset?: () => void;
}

/**
 * How long a WebSocket client gets to answer the close handshake on shutdown before its socket is cut. A
 * page answers within milliseconds; one that stopped reading (a frozen tab, a stuck proxy) never does, and
 * ws would wait 30 s for it while `server.close()` waits for the socket.
 */
const SOCKET_CLOSE_GRACE_MS = 500;

/** How long a shutdown lets HTTP answers under way finish before it cuts every connection still open. */
const HTTP_ANSWER_GRACE_MS = 1_000;

/** How long a shutdown with Redis gone waits for workers still waiting on it; what they hold stays pending. */
const WORKER_GRACE_MS = 1_000;

/** How the log names what noticed Redis stop or start answering (see `LiveHubOptions.sample`). */
const logPrefix: Record<RedisAsk, string> = { snapshot: 'snapshot', sample: 'redis' };

/** Why Redis stopped answering, in the log's words: ioredis's own ("Reached the max retries per request limit…"). */
function outageReason(error: unknown): string {
  if (isRedisUnavailable(error))
    return 'Redis is unavailable: the connection is down, and the server keeps reconnecting';
  return error instanceof Error ? error.message : String(error);
}

/** The address cannot be listened on (a host that does not resolve, say): nothing in Redis was touched. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/** The port is taken (another Streamscope, most likely): nothing in Redis was touched. */
export class PortInUseError extends ListenError {
  override name = 'PortInUseError';
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly redis: RedisConnection;
  readonly seeded: SeedResult;
  readonly pipeline: Pipeline;
  readonly hub: LiveHub;
  /** The Hono app, for in-process requests (`app.request('/api/state')`). */
  readonly app: Hono;
  /** Stops producing, lets workers finish and ack, closes sockets and Redis. Idempotent. */
  close(): Promise<Stopped>;
}

/** How a stop went. */
export interface Stopped {
  /**
   * Redis was away during it, or went: nothing waited for it, so what the workers could not ack stays pending (for
   * the next start, or a peer to claim), and a batch not yet written was not produced.
   */
  readonly redisAway: boolean;
}

/** The longest wait between two reconnect attempts while Redis is away. */
const RECONNECT_MAX_MS = 500;

/**
 * The wait before reconnect attempt `times` (1, 2, …): doubling from 50 ms, as ioredis's own, but capped at half a
 * second, not five. Outages are timed, and the page told Redis is back, on these connections: back for seconds
 * before the next attempt, the log said an outage of 4 s lasted 6.6, and work had resumed before it said so.
 * A little jitter keeps the workers' connections, duplicates of this one, from all knocking at once.
 */
function reconnectDelayMs(times: number): number {
  return Math.min(50 * 2 ** (times - 1), RECONNECT_MAX_MS) + Math.floor(Math.random() * 50);
}

/** Connects to Redis, listens, then seeds the demo: everything `streamscope` does, minus the printing. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const connection = await connectRedis(config);
  // While Redis is away a command fails after one reconnect attempt instead of twenty, so an API call or
  // a snapshot answers 503 within moments rather than hanging; workers and the tail, whose connections
  // duplicate this one, back off and retry on their own. Reconnecting itself never stops.
  const redis = new Redis(connection.url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: reconnectDelayMs,
  });
  redis.on('error', () => {});
  failUnansweredOnDrop(redis);
  // Snapshots read on their own connection, so a large produce batch never delays a dashboard tick.
  const snapshotRedis = redis.duplicate();
  snapshotRedis.on('error', () => {});

  const pipeline = new Pipeline({
    redis,
    streamKey: config.streamKey,
    maxlen: config.maxlen,
    claimMinIdleMs: config.claimIdleMs,
    processLatencyMs: config.processLatencyMs,
    readCount: config.readCount,
    seeds: options.seeds ?? config.seeds,
    seedsNamed: options.seeds !== undefined || config.seedsNamed,
    ...(config.dlqKey ? { deadLetterKey: config.dlqKey } : {}),
    deadLetterMaxlen: config.dlqMaxlen,
    maxDeliveries: config.maxDeliveries,
    reapIntervalMs: config.reapIntervalMs,
    ...(options.requeueRoomWaitMs === undefined ? {} : { requeueRoomWaitMs: options.requeueRoomWaitMs }),
    onBackgroundError: (what, error) => log(`${what}: ${error instanceof Error ? error.message : error}`),
  });
  const thresholds = {
    lag: config.alertLag,
    pending: config.alertPending,
    oldestPendingMs: config.alertOldestPendingMs,
    consumerIdleMs: config.alertConsumerIdleMs,
  };
  const snapshots = new SnapshotBuilder(pipeline, pipeline.stream.withConnection(snapshotRedis), thresholds);
  const hello: Omit<Hello, 'snapshotIntervalMs'> = {
    type: 'hello',
    version: PROTOCOL_VERSION,
    streamKey: config.streamKey,
    maxlen: config.maxlen,
    claimMinIdleMs: config.claimIdleMs,
    deadLetterKey: pipeline.deadLetters.key,
    maxDeliveries: config.maxDeliveries,
  };
  const hub = new LiveHub({
    buildSnapshot: () => snapshots.build(),
    feed: pipeline.feed,
    tailFeed: pipeline.tailFeed,
    hello,
    ...(options.snapshotIntervalMs ? { intervalMs: options.snapshotIntervalMs } : {}),
    ...(options.snapshotStallMs ? { stallMs: options.snapshotStallMs } : {}),
    // While no page watches, a sample each tick stands in for the snapshot: the charts' history goes on for the
    // next page to open, and an outage is logged whether or not a page is open (workers only note theirs in their
    // status, and the producer is off unless started).
    sample: () => snapshots.sample(),
    onError: (error, asked) =>
      log(`${logPrefix[asked]}: ${outageReason(error)}; said here again once it answers`),
    onRecovered: (outageMs, asked) =>
      log(`${logPrefix[asked]}: Redis answers again, after ${(outageMs / 1000).toFixed(1)} s`),
    onWatched: (watched) => pipeline.tailWatched(watched),
    describeFailure: (error) => errorReply(error).message,
  });
  const { app, wss } = createApp({
    pipeline,
    metrics: createMetrics(pipeline, () => snapshots.build(), thresholds),
    hub,
    // For /api/state and /state: a stream key another client wrote over is named, not a raw WRONGTYPE.
    buildSnapshot: () => namingOverwrittenKeys(pipeline, snapshots.build()),
    onChange: () => hub.refresh(),
    token: config.token,
    allowedOrigins: [...config.allowOrigins, ...(options.allowedOrigins ?? [])],
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });

  /** Closes both Redis connections, and the private redis-server when this server started one. */
  const releaseRedis = async () => {
    await Promise.allSettled([redis, snapshotRedis].map((each) => closeRedis(each)));
    await connection.embedded?.stop();
  };

  // The port first, Redis after: a start that cannot bind (another Streamscope already on the port) must fail
  // before the reset below deletes the stream that other server is running on. Until the seeding is done,
  // every request (and WebSocket upgrade) is answered 503.
  let ready = false;
  // In the shape its client reads, as every other error (see `errorBody`): a reference script reads `error`.
  const starting = (request: Request) =>
    Response.json(
      errorBody(new URL(request.url).pathname, {
        code: 'unavailable',
        message: 'the server is starting; try again shortly',
      }),
      { status: 503 },
    );
  let server: ReturnType<typeof serve>;
  try {
    server = await listen(
      config,
      (request, env) => (ready ? app.fetch(request, env) : starting(request)),
      wss,
    );
  } catch (error) {
    await releaseRedis();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let seeded: SeedResult;
  try {
    // Ready before answering, even when nothing is seeded: the first request must not meet a half-open connection.
    await redis.ping();
    seeded = await pipeline.start({
      reset: config.reset,
      ...(options.beforeReset ? { beforeDelete: options.beforeReset } : {}),
      ...(options.finishingCutOffReset ? { finishingCutOffReset: options.finishingCutOffReset } : {}),
    });
  } catch (error) {
    await pipeline.close().catch(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await releaseRedis();
    throw error;
  }
  // Paced to the pages' cadence: while entries keep coming, the newest of them each tick, the rest counted.
  pipeline.attachTail(new StreamTail(pipeline.stream, { paceMs: hub.intervalMs }));
  ready = true;
  hub.start();

  let closing: Promise<Stopped> | undefined;
  const close = () => {
    closing ??= (async () => {
      let redisAway = false;
      // With Redis away, every command queued on these connections (a snapshot, a producer batch, an ack)
      // would wait out reconnect attempts, and the stop below would wait on each in turn, past main's 5 s
      // deadline. Dropped, they fail at once: a batch not yet written is simply not produced, and entries a
      // worker could not ack stay pending in Redis, for this server's next start or a peer to reclaim.
      let redisLost: () => void = () => {};
      const lost = new Promise<void>((resolve) => {
        redisLost = resolve;
      });
      const dropConnections = () => {
        redisAway = true;
        for (const each of [redis, snapshotRedis]) failFast(each);
        redisLost();
      };
      if (redis.status !== 'ready') dropConnections();
      else redis.once('close', dropConnections);
      await hub.stop();
      // Workers read and ack on connections of their own, which can still sit out a reconnect attempt or
      // two on a command (an ack) they do not give up on: with Redis gone, they get a moment, not the deadline.
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([
        pipeline.close(),
        lost.then(() => new Promise<void>((resolve) => (giveUp = setTimeout(resolve, WORKER_GRACE_MS)))),
      ]);
      clearTimeout(giveUp);
      redis.off('close', dropConnections);
      hub.closeAll(1001, 'server shutting down');
      await closeSockets(wss, SOCKET_CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => {
        // An answer still on its way (a removal that finished as the workers stopped) is let through: cutting
        // every socket at once left its client with "other side closed" for a removal that had happened.
        const cutAll = setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections();
        }, HTTP_ANSWER_GRACE_MS);
        server.close(() => {
          clearTimeout(cutAll);
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      await releaseRedis();
      return { redisAway };
    })();
    return closing;
  };

  return { url: `http://${host}:${port}`, port, redis: connection, seeded, pipeline, hub, app, close };
}

/** Binds the port, or fails (`ListenError`, `PortInUseError` when it is taken) without having served anything. */
function listen(
  config: ServerConfig,
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
  wss: WebSocketServer,
): Promise<ReturnType<typeof serve>> {
  return new Promise((resolve, reject) => {
    const listening = serve(
      {
        fetch,
        hostname: config.host,
        port: config.port,
        // ws types `noServer` as optional where @hono/node-server wants it present (exactOptionalPropertyTypes).
        websocket: { server: wss as unknown as WebSocketServerLike },
      },
      () => resolve(listening),
    );
    listening.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${config.port} on ${config.host} is already in use (another Streamscope?); nothing in Redis was touched. Stop it, or pick another port with --port`,
              { cause: error },
            )
          : new ListenError(
              `cannot listen on ${config.host}:${config.port} (${error.code ?? error.message}): give --host an address of this machine, such as 127.0.0.1; nothing in Redis was touched`,
              { cause: error },
            ),
      );
    });
  });
}

/** Waits up to `graceMs` for every WebSocket to finish its close handshake, then terminates those still open. */
async function closeSockets(wss: WebSocketServer, graceMs: number): Promise<void> {
  const open = [...wss.clients].filter((socket) => socket.readyState !== WebSocket.CLOSED);
  if (open.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve)))),
    new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  for (const socket of wss.clients) socket.terminate();
}

/**
 * Stops a connection that lost Redis from reconnecting and fails what waits on it, now and later, at once.
 * `disconnect()` alone is not enough in ioredis 6: a connection between reconnect attempts has no socket to
 * close, so it keeps its offline queue (a snapshot, a producer batch) waiting for good. Commands sent after
 * this fail with "Stream isn't writeable", which the API reports as Redis unavailable.
 */
function failFast(redis: Redis): void {
  redis.options.enableOfflineQueue = false;
  redis.disconnect();
  // flushQueue is private in ioredis's types, but it is what its own close path uses to fail queued commands.
  (redis as unknown as { flushQueue(error: Error): void }).flushQueue(new Error('Connection is closed.'));
}
