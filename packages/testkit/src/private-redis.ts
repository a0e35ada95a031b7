import { RedisServer, type RedisServerOptions } from '@streamscope/local-redis';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** What {@link usePrivateRedis} hands a test file. */
export interface PrivateRedis {
  /** The file's own redis-server: started before its first test, stopped after its last. */
  readonly server: RedisServer;
  /** One connection to it for non-blocking commands, shared by the file's tests; opened on first use. */
  readonly redis: Redis;
  /** Runs `cleanup` once the current test ends, passed or failed; the last one registered runs first. */
  afterThisTest(cleanup: () => unknown): void;
}

/**
 * Gives the calling test file (or `describe` block) a throwaway redis-server of its own, by registering
 * the vitest hooks that start it, run each test's cleanups and stop it. Call it at the top level of the
 * file or block, not inside a test.
 *
 * @example
 *   const redisSuite = usePrivateRedis();
 *
 *   it('produces', async () => {
 *     const stream = new EventStream({ connection: redisSuite.redis, streamKey: uniqueStreamKey() });
 *     redisSuite.afterThisTest(() => stream.deleteStream());
 *     // ...
 *   });
 */
export function usePrivateRedis(options: RedisServerOptions = {}): PrivateRedis {
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    server = await RedisServer.start(options);
  });

  afterEach(async () => {
    // Newest first: a worker goes before the stream it reads. One failing cleanup does not skip the rest.
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} test cleanups failed`);
  });

  afterAll(async () => {
    // disconnect, not quit: a test may have killed the server, and QUIT would wait for it to come back.
    redis?.disconnect();
    await server?.stop();
  });

  const started = (): RedisServer => {
    if (!server) throw new Error('the private redis-server starts in beforeAll: use it in a test or hook');
    return server;
  };

  return {
    get server() {
      return started();
    },
    get redis() {
      redis ??= new Redis(started().url);
      return redis;
    },
    afterThisTest(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
