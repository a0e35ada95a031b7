import { expect, test } from '../fixtures/test.js';

test('the producer says which groups it outpaces, beside its Rate, and stops once they catch up', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  // analytics' one consumer paused: it acks nothing while the producer adds 200 a second.
  const workerC = dashboard.consumer('analytics', 'worker-c');
  await workerC.getByRole('button', { name: 'Pause worker-c' }).click();
  await dashboard.produce.getByLabel('Rate (events/s)').fill('200');
  await dashboard.produce.getByRole('button', { name: 'Start', exact: true }).click();
  // What the form did, and when, under it; the producer's own state beside the buttons.
  await expect(dashboard.produce.getByText(/^Started at 200\/s, random/)).toBeVisible();
  const behind = dashboard.produce.getByText(/under the 200\/s produced/);
  await expect(behind).toContainText(
    /^⚠ analytics acks 0(\.0)?\/s, under the 200\/s produced: past MAXLEN ~ /,
  );
  // notifications keeps up, and is not named.
  await expect(behind).not.toContainText('notifications');
  // The group's own panel says why its lag cannot shrink: nothing reads it.
  const catchUp = dashboard.stat(dashboard.group('analytics'), 'Catch-up');
  await expect(catchUp).toHaveText('not reading');

  await workerC.getByRole('button', { name: 'Resume worker-c' }).click();
  await expect(behind).toHaveCount(0, { timeout: 15_000 });
  await dashboard.produce.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(dashboard.produce.getByText('Stopped', { exact: true })).toBeVisible();
  await expect(catchUp).toHaveText(/^(in ~.*|caught up)$/, { timeout: 15_000 });
});
