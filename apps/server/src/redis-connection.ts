import { RedisServer } from '@streamscope/local-redis';
import { redisUrlDatabase } from '@streamscope/streams';
import { Redis } from 'ioredis';
import type { ServerConfig } from './config.js';

export interface RedisConnection {
  readonly url: string;
  /** host:port, for the startup line. */
  readonly label: string;
  /** The private redis-server started because none was named and none answered; stopped on close. */
  readonly embedded: RedisServer | null;
}

/** Where an unnamed Redis is looked for first. */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/**
 * The Redis to use: the one named in the config; else localhost:6379 (`defaultUrl`) when it answers; else a
 * private `redis-server` from PATH on a free loopback port, without persistence.
 */
export async function connectRedis(
  config: Pick<ServerConfig, 'redisTarget'>,
  defaultUrl = DEFAULT_REDIS_URL,
): Promise<RedisConnection> {
  if (config.redisTarget) {
    const silence = await whyNoAnswer(config.redisTarget.url);
    if (silence !== null) {
      // Over TLS (rediss://) to a Redis that speaks none, it answers, only not in TLS: said as what failed.
      const tls = config.redisTarget.url.startsWith('rediss:')
        ? ' over TLS (rediss://): is TLS on at that port, or did you mean redis://?'
        : '';
      throw new RedisUnavailableError(
        `no Redis answers at ${config.redisTarget.label}${tls} (${silence}); start it, or leave out --redis-url/--redis-host to get a private one`,
      );
    }
    await refuseMissingDatabase(config.redisTarget);
    return { ...config.redisTarget, embedded: null };
  }
  if ((await whyNoAnswer(defaultUrl)) === null) {
    const { hostname, port } = new URL(defaultUrl);
    return { url: defaultUrl, label: `${hostname}:${port || '6379'}`, embedded: null };
  }
  const where = new URL(defaultUrl).host;
  let embedded: RedisServer;
  try {
    embedded = await RedisServer.start();
  } catch (error) {
    const missing = error instanceof Error && /ENOENT/.test(error.message);
    throw new RedisUnavailableError(
      missing
        ? `nothing answers on ${where} and there is no redis-server on PATH: install it (apt-get install redis-server) or point at one with --redis-url redis://host:port`
        : `nothing answers on ${where} and a private redis-server would not start: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  return { url: embedded.url, label: `${embedded.host}:${embedded.port}`, embedded };
}

/** Why a Redis at `url` did not answer a PING, in its client's words; `null` when it did. */
async function whyNoAnswer(url: string): Promise<string | null> {
  const probe = probeConnection(url);
  // The socket's own failure (ECONNREFUSED, a TLS handshake) comes as an 'error' event; the rejection then
  // says only "Connection is closed.".
  let cause: Error | undefined;
  probe.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (error) {
    return (cause ?? (error instanceof Error ? error : new Error(String(error)))).message;
  } finally {
    probe.disconnect();
  }
}

/**
 * A database the URL names that Redis does not have is refused: ioredis reports its failed SELECT only as an
 * 'error' event and goes on in database 0, where a reset would delete another application's key of that name.
 */
async function refuseMissingDatabase({ url, label }: { url: string; label: string }): Promise<void> {
  const database = redisUrlDatabase(url);
  if (database === 0) return;
  const probe = probeConnection(url);
  try {
    await probe.connect();
    await probe.select(database);
  } catch (error) {
    throw new RedisUnavailableError(
      `Redis at ${label} has no database ${database} (${error instanceof Error ? error.message : error}): name one it has, below its "databases" setting (16 by default)`,
      { cause: error },
    );
  } finally {
    probe.disconnect();
  }
}

function probeConnection(url: string): Redis {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  return probe;
}
