import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/test-server.js';

// A --no-reset start pointed at a stream another application runs: Streamscope shows it, and touches none of
// that application's groups, consumers or entries unless the operator asked.
const redisSuite = usePrivateRedis();
const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

const start = async (flags: string[], log?: (message: string) => void): Promise<TestServer> => {
  const server = await startTestServer(flags, { redis: redisSuite.server, ...(log ? { log } : {}) });
  servers.push(server);
  return server;
};

describe('a --no-reset start on a stream Streamscope did not create', () => {
  it('refuses a stream key that holds another type, saying which, and leaves it as it was', async () => {
    for (const [type, make] of [
      ['string', (key: string) => redisSuite.redis.set(key, 'in the way')],
      ['hash', (key: string) => redisSuite.redis.hset(key, 'a', '1')],
    ] as const) {
      const streamKey = uniqueStreamKey(`not-a-stream-${type}`);
      await make(streamKey);
      for (const seed of [[], ['--seed', 'none']]) {
        await expect(start(['--stream-key', streamKey, '--no-reset', ...seed])).rejects.toThrow(
          `the key "${streamKey}" holds a ${type}, not a stream: point --stream-key at a stream`,
        );
      }
      expect(await redisSuite.redis.type(streamKey)).toBe(type);
    }
  });
});
