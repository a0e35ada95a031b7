import { StreamscopeProcess } from '../fixtures/streamscope-process.js';
import { expect, test } from '../fixtures/test.js';

test('a group run by another process: its consumer shows as elsewhere, its group keeps up, and no worker once that process stops', async ({
  dashboard,
  redis,
  streamscope,
}) => {
  // The seed's "separate consumer pool per group": a second server on the same stream runs billing alone.
  const billingPool = await StreamscopeProcess.start({
    redisUrl: redis.url,
    streamKey: streamscope.streamKey,
    extraArgs: ['--no-reset', '--seed', 'billing=pod-1'],
  });
  try {
    const billing = dashboard.group('billing');
    const pod = dashboard.consumer('billing', 'pod-1');
    await expect(pod.getByText('elsewhere', { exact: true })).toBeVisible();
    await expect(pod.getByText('Runs in another process: pause, crash or remove it there.')).toBeVisible();
    await expect(pod.getByRole('button', { name: 'Remove pod-1' })).toBeDisabled();
    // The auto-reap switch is the group's: switched here, the other process's workers of billing follow it.
    const billingReaper = dashboard.page.getByLabel('Auto-reap billing');
    await billingReaper.check();
    await expect(billingReaper).toBeChecked();
    await expect
      .poll(async () => {
        const state = await (await fetch(`${billingPool.url}/api/state`)).json();
        return state.groups.find((group: { name: string }) => group.name === 'billing')?.autoReap;
      })
      .toBe(true);
    const answer = dashboard.group('billing').getByText(/^Auto-reaper on: XAUTOCLAIM every/);
    await expect(answer).toBeVisible();
    // Switched off from the other process: the box clears, and the answer given here goes with what it said.
    const off = await fetch(`${billingPool.url}/api/autoreap/set`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ group: 'billing', enabled: false }),
    });
    expect(off.status).toBe(200);
    await expect(billingReaper).not.toBeChecked();
    await expect(answer).toHaveCount(0);
    await expect(dashboard.page.getByRole('article')).toHaveCount(4);
    // A consumer added here would be Streamscope's, in a group another process runs: the form says what it does.
    await expect(
      billing.getByRole('button', { name: 'Add consumer to billing' }),
    ).toHaveAccessibleDescription(
      /No consumer of billing runs on this server: one added here runs the demo handler/,
    );

    await dashboard.produceEvents(20);
    await expect(dashboard.stat(billing, 'Entries read')).toHaveText('20');
    await expect(dashboard.stat(billing, 'Pending')).toHaveText('0');
    await expect(dashboard.stat(dashboard.consumer('analytics', 'worker-c'), 'Processed')).toHaveText('20');

    // Once that process stops, its worker's connection is gone: the consumer is a name Redis remembers.
    await billingPool.stop();
    await expect(pod.getByText('no worker', { exact: true })).toBeVisible({ timeout: 10_000 });
    // No worker here records its deliveries: the card says so rather than "none yet".
    await expect(pod.getByText(/^No worker runs it: Redis keeps its name/)).toBeVisible();
    await expect(pod.getByText('Recent deliveries')).toHaveCount(0);
  } finally {
    await billingPool.stop();
  }
});
