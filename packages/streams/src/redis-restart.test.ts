import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerWorker, EventStream, workerConnectionName } from '@streamscope/streams';
import { uniqueStreamKey, untilClientBlocked, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';

const redisSuite = usePrivateRedis({ appendOnly: true });

it('workers blocked when Redis is killed recover by themselves; every produced entry is acked', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('restart'),
  });
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
    // Their blocked reads fail as Redis goes: expected here, and heard.
    worker.on('error', () => {});
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
  await redisSuite.server.kill();
  await sleep(1000);
  await redisSuite.server.restart();
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

it('a batch whose XACK failed is acked after the restart without running its handler again', async () => {
  // A connection that fails commands at once while Redis is away, as a server answering its API would use.
  const connection = new Redis(redisSuite.server.url, { maxRetriesPerRequest: 0 });
  connection.on('error', () => {});
  const stream = new EventStream({ connection, streamKey: uniqueStreamKey('unconfirmed') });
  await stream.ensureGroup('g', '0-0');
  const handled = new Map<string, number>();
  const acked = new Map<string, number>();
  let redisGone: Promise<void> | undefined;
  const worker = new ConsumerWorker(stream, 'g', 'w', {
    blockMs: 200,
    maxBackoffMs: 200,
    handler: async (entry) => {
      handled.set(entry.id, (handled.get(entry.id) ?? 0) + 1);
      // The batch is done, but Redis goes away before its XACK can be sent.
      redisGone ??= redisSuite.server.kill();
      await redisGone;
    },
  });
  worker.on('acked', (event) => acked.set(event.id, (acked.get(event.id) ?? 0) + 1));
  worker.on('error', () => {});
  const ids = await stream.produceBatch(Array.from({ length: 5 }, () => ({ type: 'order.placed' })));
  await worker.start();
  await waitFor('the batch to be handled', () => handled.size === 5);
  await redisSuite.server.restart();
  await waitFor('every entry acked', () => ids.every((id) => acked.has(id)), { timeoutMs: 15_000 });
  await waitFor('an empty PEL', async () => (await stream.pendingSummary('g')).count === 0);
  expect([...handled.values()]).toEqual([1, 1, 1, 1, 1]);
  expect([...acked.values()]).toEqual([1, 1, 1, 1, 1]);
  await worker.close();
  await stream.deleteStream();
  connection.disconnect();
}, 30_000);

it('a worker closed while Redis is down closes at once, and what it was delivered is still pending after', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('close-down'),
  });
  await stream.ensureGroup('g', '0-0');
  await stream.produceBatch(Array.from({ length: 5 }, () => ({ type: 'order.placed' })));
  const worker = new ConsumerWorker(stream, 'g', 'w', { blockMs: 5_000, handler: async () => {} });
  const acked: string[] = [];
  worker.on('acked', (event) => acked.push(event.id));
  worker.on('error', () => {});
  await worker.start();
  await waitFor('the five acked', () => acked.length === 5);
  await untilClientBlocked(stream.redis, workerConnectionName(stream.streamKey, 'g', 'w'));

  await redisSuite.server.kill();
  await waitFor('the worker to see Redis gone', () => !worker.status().alive);
  const started = Date.now();
  await worker.close();
  expect(Date.now() - started).toBeLessThan(3_000); // it used to wait forever
  expect(worker.status().state).toBe('closed');

  await redisSuite.server.restart();
  await waitFor('Redis back', async () => (await stream.length().catch(() => -1)) === 5);
  expect((await stream.pendingSummary('g')).count).toBe(0);
  await stream.deleteStream();
  await stream.close();
});

it('a worker closed while Redis is down and its batch XACK is queued closes at once; the entry stays pending', async () => {
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('close-ack'),
  });
  await stream.ensureGroup('g', '0-0');
  let inHandler = false;
  let handlerDone = false;
  const worker = new ConsumerWorker(stream, 'g', 'w', {
    handler: async () => {
      inHandler = true;
      await sleep(300);
      handlerDone = true;
    },
  });
  worker.on('error', () => {});
  await worker.start();
  const id = await stream.produce('order.placed');
  await waitFor('the handler running', () => inHandler);
  await redisSuite.server.kill(); // gone before the batch's XACK
  await waitFor('the handler to return', () => handlerDone);
  await sleep(100); // its XACK waits in the worker connection's offline queue
  const started = Date.now();
  await worker.close();
  expect(Date.now() - started).toBeLessThan(3_000); // it used to take ~73 s
  expect(worker.status().state).toBe('closed');

  await redisSuite.server.restart();
  await waitFor('Redis back', async () => (await stream.length().catch(() => -1)) === 1);
  const pending = await stream.pendingDetail('g', { start: '-', end: '+', count: 10 });
  expect(pending.map((row) => row.id)).toEqual([id]); // not acked, so redelivered later: nothing lost
  await stream.deleteStream();
  await stream.close();
}, 30_000);

it('a worker closed while Redis is down and a reap is waiting on the shared connection closes at once', async () => {
  // The stream opens its own connection from the URL, with ioredis's defaults: commands wait through retries.
  const stream = new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('close-reap'),
  });
  await stream.ensureGroup('g', '0-0');
  const worker = new ConsumerWorker(stream, 'g', 'w', { reapIntervalMs: 100 });
  worker.on('error', () => {});
  await worker.start();
  await untilClientBlocked(stream.redis, workerConnectionName(stream.streamKey, 'g', 'w')); // reaping every 100 ms
  await redisSuite.server.kill();
  await waitFor('the worker to see Redis gone', () => !worker.status().alive);
  await sleep(150); // a reap's XAUTOCLAIM now waits in the shared connection's offline queue
  const started = Date.now();
  await worker.close();
  expect(Date.now() - started).toBeLessThan(3_000); // it used to take ~73 s
  expect(worker.status().state).toBe('closed');
  await redisSuite.server.restart();
  await stream.close();
}, 30_000);
