import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerWorker, EventStream } from '@streamscope/streams';
import { RedisServer, uniqueStreamKey, waitFor } from '@streamscope/testkit';
import { afterAll, beforeAll, it } from 'vitest';

let server: RedisServer;

beforeAll(async () => {
  server = await RedisServer.start({ appendOnly: true });
});

afterAll(async () => {
  await server.stop();
});

it('workers blocked when Redis is killed recover by themselves; every produced entry is acked', async () => {
  const stream = new EventStream({ connection: server.url, streamKey: uniqueStreamKey('restart') });
  await stream.ensureGroup('notifications', '0-0');
  await stream.ensureGroup('analytics', '0-0');
  const acked = { notifications: new Set<string>(), analytics: new Set<string>() };
  const workers = [
    new ConsumerWorker(stream, 'notifications', 'worker-a', { blockMs: 200, maxBackoffMs: 200 }),
    new ConsumerWorker(stream, 'notifications', 'worker-b', { blockMs: 200, maxBackoffMs: 200 }),
    new ConsumerWorker(stream, 'analytics', 'worker-c', { blockMs: 200, maxBackoffMs: 200 }),
  ];
  for (const worker of workers) {
    worker.on('acked', (event) => acked[event.group as keyof typeof acked].add(event.id));
    await worker.start();
  }

  const produced: string[] = [];
  let producing = true;
  const producer = (async () => {
    for (let n = 0; producing; n++) {
      try {
        produced.push(
          ...(await stream.produceBatch([{ type: 'order.placed', payload: { n } }, { type: 'order.paid' }])),
        );
      } catch {
        // Redis is down: this batch was not acknowledged, so it does not count as produced.
      }
      await sleep(5);
    }
  })();

  await waitFor('steady flow', () => acked.analytics.size > 50);
  await server.kill();
  await sleep(1000);
  await server.restart();
  const countAtRestart = produced.length;
  await waitFor('production resumes', () => produced.length > countAtRestart + 100, { timeoutMs: 20_000 });
  producing = false;
  await producer;

  for (const group of ['notifications', 'analytics'] as const) {
    await waitFor(
      `${group} to ack every produced entry`,
      () => produced.every((id) => acked[group].has(id)),
      { timeoutMs: 20_000 },
    );
  }
  for (const worker of workers) {
    // A worker that had nothing to do may still be inside ioredis's reconnect back-off; it gets there alone.
    await waitFor(`${worker.name} connected again`, () => worker.status().alive, { timeoutMs: 10_000 });
    await worker.close();
  }
  await stream.deleteStream();
  await stream.close();
}, 60_000);
