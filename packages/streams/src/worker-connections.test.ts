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
  expect(mine(await connectedWorkers(redisSuite.redis))).toEqual([
    { streamKey, group: 'billing team', consumer: 'pod:1/a' },
  ]);
  expect(workerConnectionName(streamKey, 'billing team', 'pod:1/a')).not.toMatch(/\s/);

  await worker.close();
  await waitFor(
    'the worker connection to be gone',
    async () => mine(await connectedWorkers(redisSuite.redis)).length === 0,
  );
  await stream.deleteStream();
});
