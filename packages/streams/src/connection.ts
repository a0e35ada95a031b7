import { Redis } from 'ioredis';
import { StreamArgumentError, StreamError } from './errors.js';
import { show } from './stream-ids.js';

/** A connection handed in (shared: the caller closes it) or opened here from a URL (owned: closed by us). */
export interface HeldConnection {
  readonly redis: Redis;
  readonly owned: boolean;
}

export function holdConnection(connection: unknown): HeldConnection {
  if (isCluster(connection)) {
    throw new StreamArgumentError(
      'connection must be a standalone ioredis Redis or a redis:// URL; a Cluster connection is not supported',
    );
  }
  if (isRedisClient(connection)) return { redis: connection, owned: false };
  if (typeof connection !== 'string') {
    // `got undefined` is the common case: a URL read from an environment variable that is not set.
    const kind = typeof connection === 'object' && connection !== null ? connection.constructor?.name : null;
    const got =
      kind === null ? show(connection) : !kind || kind === 'Object' ? 'a plain object' : `a ${kind}`;
    throw new StreamArgumentError(`connection must be a redis:// URL or an ioredis instance, got ${got}`);
  }
  const problem = redisUrlProblem(connection);
  if (problem !== null) {
    throw new StreamArgumentError(`connection must be a redis:// URL or an ioredis instance: ${problem}`);
  }
  const redis = new Redis(connection);
  guardOpenedConnection(redis);
  return { redis, owned: true };
}

/**
 * What a connection this library opens for itself and keeps for long carries (one from a URL, a worker's own):
 * its 'error' events heard (ioredis reconnects by itself and fails the commands it cannot send; unheard, each
 * failed reconnect attempt is printed), commands a drop left unanswered failed rather than sent again
 * (`failUnansweredOnDrop`), and a database Redis does not have refused (`refuseMissingDatabase`).
 */
export function guardOpenedConnection(redis: Redis): void {
  redis.on('error', () => {});
  failUnansweredOnDrop(redis);
  refuseMissingDatabase(redis);
}

/**
 * What is wrong with a Redis URL, or `null` when ioredis can connect with it as meant: `redis://` or
 * `rediss://`, a host, a port Node accepts, and no path but a database number. ioredis itself takes any string:
 * `redis://host/abc` sent `SELECT NaN`, whose refusal no caller could catch.
 */
export function redisUrlProblem(url: string): string | null {
  if (!/^rediss?:\/\//.test(url)) return `${show(url)} does not start with redis:// or rediss://`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${show(url)} is not a URL (a port past 65535, or a bracket left open?)`;
  }
  if (parsed.hostname === '') return `${show(url)} names no host`;
  if (!/^\/?(\d+)?$/.test(parsed.pathname)) {
    return `${show(url)}: the path must be a database number (redis://host:6379/0), not ${show(parsed.pathname.slice(1))}`;
  }
  // ioredis takes the URL's query as options too, `db` among them, where the path names none: `?db=abc` reached it
  // as SELECT NaN, refused after the commands already sent had run in database 0.
  const queried = parsed.searchParams.getAll('db');
  if (queried.length > 0) {
    const path = parsed.pathname.slice(1);
    if (queried.length > 1 || path !== '') {
      return `${show(url)} names its database more than once (in the path and as ?db=, or ?db= twice): name it once, redis://host:6379/0`;
    }
    if (!/^\d+$/.test(queried[0] ?? '')) {
      return `${show(url)}: ?db= must be a database number (?db=0), not ${show(queried[0] ?? '')}`;
    }
  }
  return null;
}

/** The database a valid Redis URL selects (its path, or its `?db=`, as ioredis reads it), 0 when it names none. */
export function redisUrlDatabase(url: string): number {
  const parsed = new URL(url);
  return Number(parsed.pathname.slice(1) || parsed.searchParams.get('db') || 0);
}

/**
 * Fails the commands a dropped connection had sent and Redis had not answered, instead of letting ioredis
 * send them again once it reconnects (`autoResendUnfulfilledCommands`, which cannot simply be turned off: in
 * ioredis 6 it then drops them without settling their promises). Such a command may well have run: a batch
 * of appends sent again was appended twice (a produce of 10,000 cut by a dropped connection left 10,750
 * entries), a requeue sent again found its letter gone. Failed, each is reported as Redis lost, as when
 * Redis is slower to come back and ioredis gives up on them itself. Applied to every connection opened here
 * from a URL; a caller handing in its own connection may apply it too.
 */
export function failUnansweredOnDrop(redis: Redis): void {
  // 'close' is emitted a tick after ioredis set the unanswered commands aside for resending, and before the
  // first reconnect attempt: they are still in the queue this empties, which is the one it would resend.
  redis.on('close', () => {
    // flushQueue is private in ioredis's types, but it is what its own close path uses to fail commands.
    (redis as unknown as { flushQueue(error: Error, options: { offlineQueue: boolean }): void }).flushQueue(
      new Error('Connection is closed before Redis answered; the command may have run'),
      { offlineQueue: false },
    );
  });
}

/**
 * Fails every command of a connection whose database Redis does not have, for good. ioredis reports the refused
 * SELECT of its handshake only as an 'error' event and goes on in database 0: a stream opened on
 * `redis://host/99` appended to, read, acked and trimmed another application's stream of the same name there.
 * Applied to every connection this library opens (its workers' and tails' duplicates included).
 */
export function refuseMissingDatabase(redis: Redis): void {
  const database = redis.options.db ?? 0;
  if (database === 0) return;
  redis.on('error', (error: Error & { command?: { name?: string } }) => {
    // ioredis names the command a reply error answered; a refused handshake SELECT is the only 'select' here.
    if (error.command?.name !== 'select') return;
    const refusal = new StreamError(
      `Redis has no database ${database} (${error.message}): name one it has, below its "databases" setting (16 by default)`,
      { cause: error },
    );
    // Dropped first, so that no reconnect follows; ended before the handshake goes on to mark it ready.
    redis.disconnect();
    endClient(redis, refusal);
    // As ioredis itself does in monitor mode: what is sent later is refused with the reason, not queued.
    redis.sendCommand = (command) => {
      command.reject(refusal);
      return command.promise;
    };
  });
}

/** Closes an owned connection (see `closeRedis`); leaves a shared one alone. */
export async function releaseConnection({ redis, owned }: HeldConnection): Promise<void> {
  if (owned) await closeRedis(redis);
}

/**
 * QUIT when Redis can answer it, else just drop the connection: on a connection that is down, QUIT waits in
 * the offline queue for a reconnect, which a closing client never wants. Either way the client ends: the
 * commands it still held fail (`Connection is closed.`), and so does any sent to it later.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  // Ended already (a worker drops its connection to cut a blocked read short): nothing is left to close.
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    dropConnection(redis);
    // Between two reconnect attempts there is no socket for disconnect() to close: it only cancels the next
    // attempt, and the client stayed 'reconnecting' for good, every command it held (a produce() under way)
    // and every one sent later waiting forever. Ended as ioredis ends a client whose socket closes.
    if (redis.status === 'reconnecting') endClient(redis);
    return;
  }
  try {
    await redis.quit();
  } catch {
    dropConnection(redis);
  }
}

/**
 * `disconnect()`, without its wait on a socket already closed. ioredis ends the socket and arms a timer
 * (`disconnectTimeout`, 2 s) to destroy it should it not close; on a socket closed already (a connection that
 * is reconnecting, or was dropped before) it never closes again, the timer is never cleared, and it kept the
 * application's process alive 2 s after every worker, tail and stream had been closed.
 */
export function dropConnection(redis: Redis): void {
  // `connector` is private in ioredis's types; its `disconnectTimeout` is read when the timer is armed.
  const internals = redis as unknown as {
    stream?: { destroyed?: boolean };
    connector?: { disconnectTimeout: number };
  };
  if (internals.stream?.destroyed && internals.connector) internals.connector.disconnectTimeout = 0;
  redis.disconnect();
}

/** What ioredis's own close path does once a socket is gone: status `end`, and every queued command failed. */
function endClient(redis: Redis, reason = new Error('Connection is closed.')): void {
  // setStatus and flushQueue are private in ioredis's types (see failUnansweredOnDrop).
  const client = redis as unknown as { setStatus(status: 'end'): void; flushQueue(error: Error): void };
  client.setStatus('end');
  client.flushQueue(reason);
}

// By shape, not `instanceof`: the application's ioredis may be another copy than the library's (npm installs
// a folder as a symlink, so the library resolves its own), and another copy's classes are not ours.

/** An ioredis `Cluster`, from any copy of ioredis (its instances say so: `isCluster` is `true`). */
function isCluster(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { isCluster?: unknown }).isCluster === true;
}

/** A standalone ioredis client, from any copy of ioredis: what the library calls on it, and a status. */
function isRedisClient(value: unknown): value is Redis {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return (
    typeof client.call === 'function' &&
    typeof client.duplicate === 'function' &&
    typeof client.defineCommand === 'function' &&
    typeof client.status === 'string'
  );
}

/** The watchers of a connection's 'close', and the one listener that calls them. */
interface CloseWatch {
  readonly watchers: Set<() => void>;
  readonly notify: () => void;
}

const closeWatches = new WeakMap<Redis, CloseWatch>();

/**
 * Calls `watcher` whenever `redis` closes, until the returned function is called. However many workers share
 * a connection, it carries one listener while any watch it: closing a dozen workers at once would otherwise
 * add a dozen and trip Node's possible-leak warning, a false alarm.
 */
export function onConnectionClose(redis: Redis, watcher: () => void): () => void {
  let watch = closeWatches.get(redis);
  if (!watch) {
    const watchers = new Set<() => void>();
    watch = {
      watchers,
      notify: () => {
        for (const each of [...watchers]) each();
      },
    };
    closeWatches.set(redis, watch);
    redis.on('close', watch.notify);
  }
  const { watchers, notify } = watch;
  watchers.add(watcher);
  return () => {
    watchers.delete(watcher);
    if (watchers.size > 0 || closeWatches.get(redis) !== watch) return;
    closeWatches.delete(redis);
    redis.off('close', notify);
  };
}
