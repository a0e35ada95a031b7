import { execFileSync } from 'node:child_process';
import { uniqueStreamKey } from '@streamscope/testkit';
import { Dashboard } from '../fixtures/dashboard.js';
import { StreamscopeProcess } from '../fixtures/streamscope-process.js';
import { expect, test } from '../fixtures/test.js';

test("another application's group joined with --seed: what its consumers hold is neither claimed, parked nor reaped from the page", async ({
  page,
  redis,
}) => {
  // The application's stream: group orders, its consumer app-1 holding 3 of 6 entries.
  const streamKey = uniqueStreamKey('e2e-foreign');
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-u', redis.url, ...args]);
  for (let index = 0; index < 6; index++) cli('XADD', streamKey, '*', 'order', `o-${index}`);
  cli('XGROUP', 'CREATE', streamKey, 'orders', '0');
  cli('XREADGROUP', 'GROUP', 'orders', 'app-1', 'COUNT', '3', 'STREAMS', streamKey, '>');
  // Every held entry claimable at once: what the page leaves out, it leaves out for whose entries they are.
  const server = await StreamscopeProcess.start({
    redisUrl: redis.url,
    streamKey,
    claimIdleMs: 0,
    extraArgs: ['--no-reset', '--seed', 'orders=worker-a'],
  });
  try {
    await page.goto(server.url);
    const dashboard = new Dashboard(page);
    const orders = dashboard.group('orders');
    await expect(orders.getByText("another application's", { exact: true })).toBeVisible();
    // worker-a reads the three no one had; app-1's three stay its own.
    await expect(dashboard.stat(dashboard.consumer('orders', 'worker-a'), 'Processed')).toHaveText('3');
    const { pending } = dashboard;
    await pending.scrollIntoViewIfNeeded();
    await expect(pending.getByRole('row').filter({ hasText: 'app-1' })).toHaveCount(3);
    await expect(pending.getByRole('button', { name: /^(Claim|To DLQ): / })).toHaveCount(0);
    // No consumer of orders to claim into, and so nothing XAUTOCLAIM could take.
    const target = pending.getByLabel('Target consumer');
    await expect(target).toBeDisabled();
    await expect(target.locator('option')).toHaveText(['no consumer here to claim into']);
    await expect(pending.getByRole('button', { name: 'XAUTOCLAIM to selected' })).toBeDisabled();
    // Its timeline says why it offers no Claim either.
    await pending.getByRole('row').filter({ hasText: 'app-1' }).first().getByRole('button').first().click();
    await expect(
      dashboard.timeline.getByText(
        "orders is another application's group: its own consumers claim its entries.",
      ),
    ).toBeVisible();
    await page.keyboard.press('Escape');
    const reaper = page.getByLabel('Auto-reap orders');
    await expect(reaper).toBeDisabled();
    await expect(reaper).not.toBeChecked();
  } finally {
    await server.stop();
  }
});
