import { waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { runCommand } from './pipeline/run-command.js';
import { serverForSuite } from './testing/test-server.js';
import { entriesNotAcked, ZERO_LOSS_FLAGS } from './testing/zero-loss.js';

const test = serverForSuite(ZERO_LOSS_FLAGS);

it('claiming dropped entries one by one while events keep arriving loses none and handles each once more', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  const produced = () => pipeline.totals().produced;
  pipeline.producer.start(500, null);
  await waitFor('a steady flow', () => produced() >= 500);
  const workerA = pipeline.pool.get('notifications', 'worker-a');
  workerA.crashNext(5);
  await waitFor('worker-a to drop five', () => workerA.status().crashQueued === 0);
  // Idle past the claim threshold: the five it dropped, not entries it has in hand for a millisecond.
  const idleAtA = () =>
    stream.pendingDetail('notifications', { minIdleMs: 200, consumer: 'worker-a', count: 100 });
  await waitFor('the dropped ones claimable', async () => (await idleAtA()).length === 5);
  const dropped = (await idleAtA()).map((row) => row.id);
  // One by one, as a person clicks Claim down the table, while the producer runs on.
  for (const id of dropped) {
    const claimed = await runCommand(pipeline, {
      type: 'pending.claim',
      group: 'notifications',
      id,
      consumer: 'worker-b',
    });
    expect(claimed).toMatchObject({ id, from: 'worker-a', deliveryCount: 2, processed: true });
  }
  await pipeline.producer.stop();

  const { entries, notAcked } = await entriesNotAcked(pipeline, 'notifications');
  expect(entries).toBeGreaterThan(500);
  expect(notAcked).toEqual([]);
  // Each dropped one acked once, by worker-b, at its second delivery.
  for (const id of dropped) {
    const acks = pipeline.history
      .of(id)
      .filter((event) => event.kind === 'acked' && event.group === 'notifications');
    expect(acks.map((event) => [event.consumer, event.deliveryCount])).toEqual([['worker-b', 2]]);
  }
});

it('refuses to claim into a paused consumer, by hand or by XAUTOCLAIM, and leaves the entries where they were', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  const workerA = pipeline.pool.get('notifications', 'worker-a');
  const workerB = pipeline.pool.get('notifications', 'worker-b');
  // Paused first, worker-b reads none of them: worker-a reads all, and drops two.
  await runCommand(pipeline, { type: 'consumer.pause', group: 'notifications', name: 'worker-b' });
  const processedBefore = workerB.status().processed;
  workerA.crashNext(2);
  await pipeline.produce(4);
  await waitFor('worker-a to drop two', () => workerA.status().crashQueued === 0);
  const idleAtA = () =>
    stream.pendingDetail('notifications', { minIdleMs: 200, consumer: 'worker-a', count: 100 });
  await waitFor('the dropped ones claimable', async () => (await idleAtA()).length === 2);
  const [first] = await idleAtA();

  const refusals = [
    { type: 'pending.claim', group: 'notifications', id: first?.id ?? '', consumer: 'worker-b' },
    { type: 'autoclaim', group: 'notifications', consumer: 'worker-b' },
  ] as const;
  for (const command of refusals) {
    await expect(runCommand(pipeline, command)).rejects.toMatchObject({
      code: 'conflict',
      message:
        'consumer notifications/worker-b is paused and takes on nothing, claims included: resume it first, or claim into another consumer',
      fields: ['consumer'],
    });
  }
  expect((await idleAtA()).map((row) => row.deliveries)).toEqual([1, 1]);
  expect(workerB.status().processed).toBe(processedBefore);

  // Resumed, it takes them.
  await runCommand(pipeline, { type: 'consumer.resume', group: 'notifications', name: 'worker-b' });
  const claimed = await runCommand(pipeline, {
    type: 'autoclaim',
    group: 'notifications',
    consumer: 'worker-b',
  });
  expect(claimed).toMatchObject({ claimed: 2, processed: 2 });
});
