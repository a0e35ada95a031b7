import { execFileSync } from 'node:child_process';
import { freePort, usePrivateRedis } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './testing/test-server.js';

describe('while the server is starting', () => {
  const redisSuite = usePrivateRedis();

  it('answers 503 in each route’s own error shape until it has seeded', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let answers: Promise<Response[]> | undefined;
    const started = startTestServer(['--port', String(port)], {
      redis: redisSuite.server,
      beforeReset: () => {
        // The port is bound, the reset about to begin: Redis paused for a second holds the start right here
        // while the requests, sent now, are answered.
        execFileSync('redis-cli', ['-u', redisSuite.server.url, 'CLIENT', 'PAUSE', '1000', 'ALL']);
        answers = Promise.all([fetch(`${base}/state`), fetch(`${base}/api/state`)]);
      },
    });
    const server = await started;
    try {
      const [reference, api] = (await answers) ?? [];
      expect(reference?.status).toBe(503);
      expect(await reference?.json()).toEqual({
        error: 'the server is starting; try again shortly',
        code: 'unavailable',
      });
      expect(api?.status).toBe(503);
      expect(await api?.json()).toEqual({
        code: 'unavailable',
        message: 'the server is starting; try again shortly',
      });
      // Started, the same routes answer.
      expect((await fetch(`${base}/api/state`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
