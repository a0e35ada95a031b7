import type { Snapshot } from '@streamscope/protocol';
import { waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { json, postJson, serverForSuite } from './testing/test-server.js';
import { ZERO_LOSS_FLAGS } from './testing/zero-loss.js';

const test = serverForSuite([...ZERO_LOSS_FLAGS, '--reap-interval-ms', '100']);

// biome-ignore lint/suspicious/noExplicitAny: test assertions walk the answers' JSON
const post = async (path: string, body: unknown = {}): Promise<any> => {
  const response = await postJson(test, path, body);
  const answer = await response.json();
  if (response.status !== 200)
    throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
};
const state = () => json<Snapshot>(test.server.app.request('/api/state'));

/** Waits until the group has nothing pending and nothing left to read. */

async function settled(group: string): Promise<void> {
  await expect
    .poll(async () => (await test.server.pipeline.stream.infoGroups()).find((g) => g.name === group), {
      timeout: 30_000,
      interval: 100,
    })
    .toMatchObject({ pending: 0, lag: 0 });
}

it('a removal racing the auto-reaper for the entries its consumer dropped, under the producer, loses none', async () => {
  const { pipeline } = test.server;
  await post('/api/group/create', { group: 'shipping', startId: '$' });
  for (const name of ['pod-a', 'pod-b', 'pod-c'])
    await post('/api/consumer/add', { group: 'shipping', name });
  await post('/api/autoreap/set', { group: 'shipping', enabled: true });
  const podA = pipeline.pool.get('shipping', 'pod-a');
  const produced = () => pipeline.totals().produced;
  const { firstId } = await post('/api/produce', { count: 1 });
  await post('/api/producer/start', { rate: 300 });
  await waitFor('a steady flow', () => produced() >= 300);
  // Its forty drops sit pending; the reapers of pod-b and pod-c claim them as they pass 200 ms idle, while the
  // removal hands the rest to one of them.
  await post('/api/consumer/crash', { group: 'shipping', name: 'pod-a', count: 40 });
  await waitFor('pod-a to drop forty', () => podA.status().crashQueued === 0);
  const removal = await post('/api/consumer/remove', { group: 'shipping', name: 'pod-a' });
  expect(removal).toMatchObject({ group: 'shipping', name: 'pod-a', deleted: 0 });
  expect(removal.moved).toBeLessThanOrEqual(40);
  const atRemoval = produced();
  await waitFor('events to go on arriving', () => produced() >= atRemoval + 300);
  await post('/api/producer/stop');
  await settled('shipping');

  const entries = await pipeline.stream.replay(firstId, '+', 1_000_000);
  const lettered = new Set(
    (await pipeline.deadLetters.newest(10_000))
      .filter((l) => l.group === 'shipping')
      .map((l) => l.originalId),
  );
  const acked = (id: string) =>
    pipeline.history.of(id).some((event) => event.kind === 'acked' && event.group === 'shipping');
  expect(entries.filter(({ id }) => !acked(id) && !lettered.has(id)).map(({ id }) => id)).toEqual([]);
  expect(entries.filter(({ id }) => acked(id) && lettered.has(id)).map(({ id }) => id)).toEqual([]);
  // All forty drops are in the timelines (pod-a's own reaper may have claimed one it dropped, and dropped it again).
  const drops = entries.flatMap(({ id }) =>
    pipeline.history.of(id).filter((event) => event.kind === 'dropped' && event.group === 'shipping'),
  );
  expect(drops).toHaveLength(40);
  expect((await pipeline.stream.infoConsumers('shipping')).map((c) => c.name).sort()).toEqual([
    'pod-b',
    'pod-c',
  ]);
});

it('a consumer paused holding dropped entries, auto-reap on: a peer reaps them, it takes nothing, and resumes as it was', async () => {
  const { pipeline } = test.server;
  await post('/api/group/create', { group: 'billing', startId: '$' });
  await post('/api/consumer/add', { group: 'billing', name: 'pod-1' });
  await post('/api/consumer/add', { group: 'billing', name: 'pod-2' });
  await post('/api/autoreap/set', { group: 'billing', enabled: true });
  const pod1 = pipeline.pool.get('billing', 'pod-1');
  const pod2 = pipeline.pool.get('billing', 'pod-2');
  // pod-1 alone reads the next thirty, and drops ten of them: they stay pending in its name.
  await post('/api/consumer/pause', { group: 'billing', name: 'pod-2' });
  await post('/api/consumer/crash', { group: 'billing', name: 'pod-1', count: 10 });
  const { firstId } = await post('/api/produce', { count: 30 });
  await waitFor('pod-1 to drop ten', () => pod1.status().crashQueued === 0);
  await post('/api/consumer/pause', { group: 'billing', name: 'pod-1' });
  await post('/api/consumer/resume', { group: 'billing', name: 'pod-2' });
  // What it had in hand at the pause it finishes; from then on it takes nothing, not even by its reaper.
  await waitFor('pod-1 to finish its batch', () => pod1.status().inHand === 0);
  const atPause = pod1.status();
  await settled('billing');
  // pod-2 drops five more, for a reaper to take: never the paused one's.
  await post('/api/consumer/crash', { group: 'billing', name: 'pod-2', count: 5 });
  await post('/api/produce', { count: 20 });
  await settled('billing');
  expect(pod1.status()).toMatchObject({ paused: true, processed: atPause.processed, reaped: atPause.reaped });
  expect(pod2.status().reaped).toBeGreaterThanOrEqual(15);
  const card = (await state()).groups
    .find((group) => group.name === 'billing')
    ?.consumers.find((consumer) => consumer.name === 'pod-1');
  expect(card).toMatchObject({ pending: 0, worker: { paused: true, processed: atPause.processed } });

  await post('/api/consumer/resume', { group: 'billing', name: 'pod-1' });
  await post('/api/produce', { count: 20 });
  await settled('billing');
  expect(pod1.status().paused).toBe(false);
  const entries = await pipeline.stream.replay(firstId, '+', 1_000);
  expect(entries).toHaveLength(70);
  // Each handled and acked, the ten and five dropped once and handled by the reaper that took them; no letter.
  for (const { id } of entries) {
    const kinds = pipeline.history
      .of(id)
      .filter((event) => event.group === 'billing')
      .map((event) => event.kind);
    expect(kinds).toContain('acked');
    expect(kinds).not.toContain('dead-lettered');
  }
});
