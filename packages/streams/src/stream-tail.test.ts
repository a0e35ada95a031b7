import { EventStream, type StreamEntry, StreamTail } from '@streamscope/streams';
import { RedisServer, uniqueStreamKey, waitFor } from '@streamscope/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server.stop();
});

it('tails new entries read-only, without creating any group state, and closes promptly', async () => {
  const stream = new EventStream({ connection: server.url, streamKey: uniqueStreamKey('tail') });
  await stream.produce('before.tail');
  const tail = new StreamTail(stream, { blockMs: 5_000 });
  const seen: StreamEntry[] = [];
  tail.on('entries', (entries) => seen.push(...entries));
  tail.start();
  await new Promise((resolve) => setTimeout(resolve, 100)); // let the first XREAD $ block
  const ids = await stream.produceBatch(Array.from({ length: 25 }, () => ({ type: 'order.paid' })));
  await waitFor('all 25 tailed', () => seen.length === 25);
  expect(seen.map((entry) => entry.id)).toEqual(ids);
  expect(await stream.infoGroups()).toEqual([]);
  const started = Date.now();
  await tail.close();
  expect(Date.now() - started).toBeLessThan(1_000);
  await stream.deleteStream();
  await stream.close();
});
