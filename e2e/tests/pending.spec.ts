import { expect, test } from '../fixtures/test.js';

test('XAUTOCLAIM into the default target keeps that target selected once nothing is stuck', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending } = dashboard;
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await workerA.getByRole('button', { name: 'Crash next 3 on worker-a' }).click();
  await expect(workerA.getByText('crash-queued 3')).toBeVisible();
  // Until worker-a has had three (worker-b may take a whole batch).
  await expect(async () => {
    await dashboard.produceEvents(20);
    await expect(dashboard.stat(workerA, 'Dropped')).toHaveText('3', { timeout: 2_000 });
  }).toPass();
  await pending.scrollIntoViewIfNeeded();
  await expect(pending.getByText('claimable')).toHaveCount(3);

  // The default: a healthy peer of the consumer the entries are stuck with.
  const target = pending.getByLabel('Target consumer');
  await expect(target).toHaveValue('notifications/worker-b');
  await pending.getByRole('button', { name: 'XAUTOCLAIM to selected' }).click();
  await expect(pending.getByText(/^Into notifications\/worker-b: claimed 3/)).toBeVisible();
  await expect(pending.getByText('Nothing pending')).toBeVisible();
  // Nothing is stuck any more, and the select still names the consumer the result does.
  await expect(target).toHaveValue('notifications/worker-b');
});
