import { waitFor } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketClient } from './testing/socket-client.js';
import { json, postJson, startTestServer, type TestServer } from './testing/test-server.js';

let test: TestServer;
let admin: Redis;
const logged: string[] = [];
beforeAll(async () => {
  test = await startTestServer([], { snapshotStallMs: 300, log: (line) => logged.push(line) });
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
    const loggedBefore = logged.length;
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
      // The log too, both ways: it never said Redis answered again, and an operator took it for stuck still.
      expect(logged.slice(loggedBefore)).toEqual([
        expect.stringMatching(
          /^snapshot: Redis has not answered for over 0.3 s: .*; said here again once it answers$/,
        ),
        expect.stringMatching(/^snapshot: Redis answers again, after \d+\.\d s$/),
      ]);
    } finally {
      await socket.close();
    }
  });

  it('with no page open, the log is told of it all the same, once each way', async () => {
    await waitFor('no page to be open', () => test.server.hub.clientCount === 0);
    const loggedBefore = logged.length;
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    await waitFor('the end of the pause to be logged', () =>
      logged.slice(loggedBefore).some((line) => /answers again/.test(line)),
    );
    expect(logged.slice(loggedBefore)).toEqual([
      expect.stringMatching(
        /^redis: Redis has not answered for over 0.3 s: .*; said here again once it answers$/,
      ),
      expect.stringMatching(/^redis: Redis answers again, after 1\.\d s$/),
    ]);
  });
});
