import type { AddressInfo } from 'node:net';
import { serve, type WebSocketServerLike } from '@hono/node-server';
import { type Hello, PROTOCOL_VERSION } from '@streamscope/protocol';
import { closeRedis, StreamTail } from '@streamscope/streams';
import type { Hono } from 'hono';
import { Redis } from 'ioredis';
import type { ServerConfig } from './config.js';
import { createApp } from './http/app.js';
import { errorReply } from './http/error-reply.js';
import { createMetrics } from './http/metrics.js';
import { LiveHub } from './live/live-hub.js';
import { SnapshotBuilder } from './live/snapshot-builder.js';
import { type GroupSeed, Pipeline } from './pipeline/pipeline.js';
import { connectRedis, type RedisConnection } from './redis-connection.js';

export interface StartOptions {
  /** Where the built dashboard lives (tests may point elsewhere). */
  readonly webRoot?: string;
  /** Overrides the configuration's `--seed`. */
  readonly seeds?: readonly GroupSeed[];
  readonly allowedOrigins?: readonly string[];
  /** Diagnostics that should not stop the server (a producer batch lost to a Redis outage, say). */
  readonly log?: (message: string) => void;
  readonly snapshotIntervalMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly redis: RedisConnection;
  readonly seeded: { readonly groups: number; readonly consumers: number };
  readonly pipeline: Pipeline;
  readonly hub: LiveHub;
  /** The Hono app, for in-process requests (`app.request('/api/state')`). */
  readonly app: Hono;
  /** Stops producing, lets workers finish and ack, closes sockets and Redis. Idempotent. */
  close(): Promise<void>;
}

/** Connects to Redis, seeds the demo, and listens: everything `streamscope` does, minus the printing. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const connection = await connectRedis(config);
  // While Redis is away a command fails after one reconnect attempt instead of twenty, so an API call or
  // a snapshot answers 503 within moments rather than hanging; workers and the tail, whose connections
  // duplicate this one, back off and retry on their own. Reconnecting itself never stops.
  const redis = new Redis(connection.url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', () => {});
  // Snapshots read on their own connection, so a large produce batch never delays a dashboard tick.
  const snapshotRedis = redis.duplicate();
  snapshotRedis.on('error', () => {});

  const pipeline = new Pipeline({
    redis,
    streamKey: config.streamKey,
    maxlen: config.maxlen,
    claimMinIdleMs: config.claimIdleMs,
    processLatencyMs: config.processLatencyMs,
    seeds: options.seeds ?? config.seeds,
    ...(config.dlqKey ? { deadLetterKey: config.dlqKey } : {}),
    deadLetterMaxlen: config.dlqMaxlen,
    maxDeliveries: config.maxDeliveries,
    reapIntervalMs: config.reapIntervalMs,
    onBackgroundError: (what, error) => log(`${what}: ${error instanceof Error ? error.message : error}`),
  });
  // Ready before serving, even when nothing is seeded: the first request must not meet a half-open connection.
  await redis.ping();
  const seeded = await pipeline.start({ reset: config.reset });
  const snapshots = new SnapshotBuilder(pipeline, pipeline.stream.withConnection(snapshotRedis), {
    lag: config.alertLag,
    pending: config.alertPending,
    oldestPendingMs: config.alertOldestPendingMs,
    consumerIdleMs: config.alertConsumerIdleMs,
  });
  pipeline.attachTail(new StreamTail(pipeline.stream));
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
    onError: (error) => log(`snapshot: ${error instanceof Error ? error.message : error}`),
    describeFailure: (error) => errorReply(error).message,
  });
  const { app, wss } = createApp({
    pipeline,
    metrics: createMetrics(pipeline, () => snapshots.build()),
    hub,
    buildSnapshot: () => snapshots.build(),
    onChange: () => hub.refresh(),
    token: config.token,
    allowedOrigins: [...config.allowOrigins, ...(options.allowedOrigins ?? [])],
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });

  // ws types `noServer` as optional where @hono/node-server wants it present (exactOptionalPropertyTypes).
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve(
      {
        fetch: app.fetch,
        hostname: config.host,
        port: config.port,
        websocket: { server: wss as unknown as WebSocketServerLike },
      },
      () => resolve(listening),
    );
    listening.once('error', reject);
  });
  hub.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await hub.stop();
      await pipeline.close();
      hub.closeAll(1001, 'server shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await Promise.allSettled([redis, snapshotRedis].map((connection) => closeRedis(connection)));
      await connection.embedded?.stop();
    })();
    return closing;
  };

  return { url: `http://${host}:${port}`, port, redis: connection, seeded, pipeline, hub, app, close };
}
