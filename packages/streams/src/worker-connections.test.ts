import { ConsumerWorker, connectedWorkers, EventStream, workerConnectionName } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';

const redisSuite = usePrivateRedis();

it('lists the workers connected to Redis from any process, by stream, group and consumer', async () => {
  // Names CLIENT SETNAME would refuse or could confuse (spaces, the separators) survive the round trip.
  const streamKey = `${uniqueStreamKey('conn')}:with space/and slash`;
  const stream = new EventStream({ connection: redisSuite.redis, streamKey });
  await stream.ensureGroup('billing team', '0-0');
  const worker = new ConsumerWorker(stream, 'billing team', 'pod:1/a');
  await worker.start();
  const mine = (workers: Awaited<ReturnType<typeof connectedWorkers>>) =>
    workers.filter((connected) => connected.streamKey === streamKey);
  await waitFor(
    'the worker connection to be listed',
    async () => mine(await connectedWorkers(redisSuite.redis)).length === 1,
  );
  // Listed with its connection's client ID, which tells it from another process's worker of the same name.
  expect(mine(await connectedWorkers(redisSuite.redis))).toEqual([
    { id: await worker.connectionId(), streamKey, group: 'billing team', consumer: 'pod:1/a' },
  ]);
  expect(workerConnectionName(streamKey, 'billing team', 'pod:1/a')).not.toMatch(/\s/);

  await worker.close();
  await expect(worker.connectionId()).rejects.toThrow(/is not running/);
  await waitFor(
    'the worker connection to be gone',
    async () => mine(await connectedWorkers(redisSuite.redis)).length === 0,
  );
  await stream.deleteStream();
});

it('connectionId waits for the connection to be up, and fails once the worker closes first', async () => {
  const stream = new EventStream({ connection: redisSuite.redis, streamKey: uniqueStreamKey('conn-id') });
  await stream.ensureGroup('billing', '0-0');
  redisSuite.afterThisTest(() => stream.deleteStream());
  const unstarted = new ConsumerWorker(stream, 'billing', 'pod-1');
  await expect(unstarted.connectionId()).rejects.toThrow(/is not running/);

  const worker = new ConsumerWorker(stream, 'billing', 'pod-2');
  await worker.start();
  // Asked before the connection is up: answered once it is, with the ID Redis lists it under.
  const id = await worker.connectionId();
  const listed = (await connectedWorkers(redisSuite.redis)).filter((each) => each.consumer === 'pod-2');
  expect(listed.map((each) => each.id)).toEqual([id]);
  await worker.close();

  const closedFirst = new ConsumerWorker(stream, 'billing', 'pod-3');
  await closedFirst.start();
  const asked = closedFirst.connectionId();
  await closedFirst.close();
  // Either answered before the close or refused by it; never left waiting.
  await asked.then(
    (answer) => expect(answer).toBeGreaterThan(0),
    (error: unknown) => expect(String(error)).toMatch(/closed before its connection was up/),
  );
});
