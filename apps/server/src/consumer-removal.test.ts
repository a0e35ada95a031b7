import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/test-server.js';

let test: TestServer;
beforeAll(async () => {
  // A long MAXLEN keeps every entry for the final check; 1 ms of work keeps entries in flight.
  test = await startTestServer(['--maxlen', '1000000', '--process-latency-ms', '1']);
});
afterAll(async () => {
  await test?.stop();
});

it('removing a consumer while events keep arriving loses nothing', async () => {
  const { pipeline } = test.server;
  pipeline.producer.start(2_000, null);
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Entries it drops stay pending in its name: the removal must hand them over, not delete them.
  pipeline.pool.get('notifications', 'worker-a').crashNext(5);
  await new Promise((resolve) => setTimeout(resolve, 500));

  const removal = await pipeline.pool.remove('notifications', 'worker-a');
  expect(removal.handedOverTo).toBe('worker-b');
  expect(removal.moved).toBeGreaterThanOrEqual(5);

  await new Promise((resolve) => setTimeout(resolve, 500));
  await pipeline.producer.stop();

  const stream = pipeline.stream;
  await expect
    .poll(async () => (await stream.infoGroups()).find((group) => group.name === 'notifications'), {
      timeout: 15_000,
      interval: 100,
    })
    .toMatchObject({ pending: 0, lag: 0 });
  expect((await stream.infoConsumers('notifications')).map((consumer) => consumer.name)).toEqual([
    'worker-b',
  ]);

  const entries = await stream.replay('-', '+', 1_000_000);
  expect(entries.length).toBeGreaterThan(1_000);
  const unacked = entries.filter(
    (entry) =>
      !pipeline.history
        .of(entry.id)
        .some((event) => event.kind === 'acked' && event.group === 'notifications'),
  );
  expect(unacked.map((entry) => entry.id)).toEqual([]);
});
