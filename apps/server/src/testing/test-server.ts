import { type PrivateRedis, RedisServer, uniqueStreamKey } from '@streamscope/testkit';
import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../config.js';
import { type RunningServer, type StartOptions, startServer } from '../server.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly redis: RedisServer;
  stop(): Promise<void>;
}

/** A real Streamscope on port 0 over a private redis-server, with a short claim threshold and no work delay. */
export async function startTestServer(
  flags: readonly string[] = [],
  options: StartOptions & { redis?: RedisServer } = {},
): Promise<TestServer> {
  const redis = options.redis ?? (await RedisServer.start());
  const config = parseConfig(
    [
      '--port',
      '0',
      '--redis-url',
      redis.url,
      '--stream-key',
      uniqueStreamKey('server'),
      '--claim-idle-ms',
      '200',
      '--process-latency-ms',
      '0',
      ...flags,
    ],
    {},
  );
  const server = await startServer(config, options);
  return {
    server,
    redis,
    stop: async () => {
      await server.close();
      if (!options.redis) await redis.stop();
    },
  };
}

/**
 * The one server a test file shares: started (as `startTestServer`) before its first test and stopped after its
 * last. What it returns reads through to that server, so a file holds it in a constant at its top.
 */
export function serverForSuite(flags: readonly string[] = [], options: StartOptions = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(flags, options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = () => {
    if (started === undefined) throw new Error('the suite server is used before its beforeAll started it');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get redis() {
      return current().redis;
    },
    stop: () => current().stop(),
  };
}

/**
 * For a test file that starts several servers on its private Redis: starts one (as `startTestServer`, on that
 * Redis), and stops each after the file's last test. Call it after `usePrivateRedis`: after-hooks run newest
 * first, so the servers stop before their redis-server does.
 */
export function useTestServers(
  redisSuite: PrivateRedis,
): (flags: readonly string[], log?: (message: string) => void) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });
  return async (flags, log) => {
    const server = await startTestServer(flags, { redis: redisSuite.server, ...(log ? { log } : {}) });
    servers.push(server);
    return server;
  };
}

/** A response body as JSON; tests look into shapes of every kind, so it is deliberately loosely typed. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
export async function json<T = any>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

/**
 * POSTs `body` as JSON to the test server's app, in process; a string goes as it is, so that a test can send
 * a body that is not JSON at all under the JSON content type.
 */
export async function postJson(test: TestServer, path: string, body: unknown): Promise<Response> {
  return test.server.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
