import { waitFor } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketClient } from './testing/socket-client.js';
import { json, postJson, startTestServer, type TestServer } from './testing/test-server.js';

let test: TestServer;
let admin: Redis;
beforeAll(async () => {
  test = await startTestServer([], { snapshotStallMs: 300 });
  admin = new Redis(test.redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await test?.stop();
});

describe('a Redis that holds its replies (CLIENT PAUSE ALL)', () => {
  it('pages are told their figures froze and when they are live again; a produce sent meanwhile appends once', async () => {
    const socket = await SocketClient.connect(test.server.url);
    const { streamKey } = test.server.pipeline.stream;
    try {
      await socket.next((message) => message.type === 'snapshot');
      const before = await admin.xlen(streamKey);
      const from = socket.messages.length;
      const healthSince = () => socket.messages.slice(from).filter((message) => message.type === 'health');
      await admin.call('CLIENT', 'PAUSE', '2000', 'ALL');
      const produced = postJson(test, '/api/produce', { count: 50 });
      // Nothing fails while Redis holds its replies: the stalled snapshot is what tells the page.
      const [frozen] = await waitFor('the pages to be told the figures froze', () => {
        const failing = healthSince().filter((message) => message.failingSince !== null);
        return failing.length > 0 ? failing : null;
      });
      expect(frozen).toMatchObject({
        reason: expect.stringMatching(/^Redis has not answered for over 0.3 s: /),
      });
      await waitFor('the pages to be told the figures are live again', () =>
        healthSince().some((message) => message.failingSince === null),
      );
      const answer = await produced;
      expect(answer.status).toBe(200);
      expect((await json(answer)).produced).toBe(50);
      expect(await admin.xlen(streamKey)).toBe(before + 50);
    } finally {
      await socket.close();
    }
  });
});
