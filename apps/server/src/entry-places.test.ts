import { EventStream } from '@streamscope/streams';
import { waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { json, postJson, serverForSuite } from './testing/test-server.js';

const test = serverForSuite();

const post = (path: string, body: unknown) => postJson(test, path, body);
const placesOf = async (id: string) => {
  const { places, groupsOmitted } = await json(test.server.app.request(`/api/entries/${id}/history`));
  expect(groupsOmitted).toBe(0);
  return places;
};

it("tells where an entry stands now in every group, another process's included", async () => {
  const { pipeline } = test.server;
  // Made by this server first: a stream another process made would be one this server refuses to append to.
  await post('/api/produce', { count: 1 });
  await waitFor('the first acked in both groups', () => pipeline.totals().acked === 2);
  // Whichever of notifications' two workers reads the next entry drops it.
  for (const name of ['worker-a', 'worker-b'])
    await post('/api/consumer/crash', { group: 'notifications', name, count: 1 });
  // Groups this server runs no worker for: one read by a consumer of another process, one nobody reads.
  const elsewhere = new EventStream({ connection: test.redis.url, streamKey: pipeline.stream.streamKey });
  try {
    await elsewhere.ensureGroup('billing', '$');
    await elsewhere.ensureGroup('audit', '$');
    // Appended by that other process too: this server sends its demo events only to a stream all its own.
    const firstId = await elsewhere.produce('order.placed', { order_id: 'o-1' });
    await elsewhere.consume('billing', 'billing-7', 1, 100);
    const dropped = await waitFor('dropped in notifications', async () => {
      const [row] = await pipeline.stream.pendingDetail('notifications');
      return row && pipeline.pool.get('notifications', row.consumer).status().crashedDrops === 1 ? row : null;
    });
    await waitFor('acked in analytics', async () => (await placesOf(firstId))[0].state === 'done');
    const before = Date.now();
    expect(await placesOf(firstId)).toEqual([
      { group: 'analytics', lastDeliveredId: firstId, state: 'done' },
      { group: 'audit', lastDeliveredId: expect.any(String), state: 'unread' },
      expect.objectContaining({ group: 'billing', state: 'pending', consumer: 'billing-7', deliveries: 1 }),
      {
        group: 'notifications',
        lastDeliveredId: firstId,
        state: 'pending',
        consumer: dropped.consumer,
        deliveries: 1,
        deliveredAt: expect.any(Number),
      },
    ]);
    expect((await placesOf(firstId))[3].deliveredAt).toBeLessThanOrEqual(before);

    await elsewhere.ack('billing', [firstId]);
    expect((await placesOf(firstId))[2]).toEqual({
      group: 'billing',
      lastDeliveredId: firstId,
      state: 'done',
    });
  } finally {
    await elsewhere.close();
  }
});
