import type { Locator, Page } from '@playwright/test';
import { Dashboard } from '../fixtures/dashboard.js';
import { snapshotsHeldOnDemand } from '../fixtures/held-snapshots.js';
import { expect, test } from '../fixtures/test.js';

/**
 * worker-a's card on a page whose snapshots are held (its view stale, as between another page's change and its next
 * snapshot), after another client removed worker-a.
 */
async function removedElsewhereUnseen(page: Page, url: string): Promise<Locator> {
  const snapshots = await snapshotsHeldOnDemand(page);
  const dashboard = new Dashboard(page);
  await page.goto(url);
  await expect(dashboard.connection).toHaveText('connected');
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await expect(workerA).toBeVisible();
  snapshots.hold();
  const elsewhere = await page.request.post(`${url}/api/consumer/remove`, {
    data: { group: 'notifications', name: 'worker-a' },
  });
  expect(elsewhere.ok()).toBe(true);
  return workerA;
}

test('Remove of a consumer another page removed already says so in its group, where focus goes', async ({
  page,
  streamscope,
}) => {
  const workerA = await removedElsewhereUnseen(page, streamscope.url);
  await workerA.getByRole('button', { name: 'Remove worker-a' }).click();
  await expect(page.locator(':focus')).toContainText(
    /^worker-a was gone already, removed elsewhere: no consumer notifications\/worker-a/,
  );
});

test('Pause of a consumer another page removed already says so in its group, where focus goes', async ({
  page,
  streamscope,
}) => {
  const workerA = await removedElsewhereUnseen(page, streamscope.url);
  await workerA.getByRole('button', { name: 'Pause worker-a' }).click();
  await expect(page.locator(':focus')).toContainText(
    /^Pause found worker-a gone already, removed elsewhere: no running consumer notifications\/worker-a/,
  );
  // Said once, in the group: not again under the card.
  await expect(workerA.getByRole('alert')).toHaveCount(0);
});

test('a consumer removed elsewhere while focus is on its card says so in its group, where focus goes', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await workerA.getByRole('button', { name: 'Pause worker-a' }).focus();
  const elsewhere = await page.request.post(`${streamscope.url}/api/consumer/remove`, {
    data: { group: 'notifications', name: 'worker-a' },
  });
  expect(elsewhere.ok()).toBe(true);
  await expect(workerA).toHaveCount(0);
  await expect(page.locator(':focus')).toContainText(
    /^worker-a was removed elsewhere \(another page, or a script\) while focus was on it/,
  );
});

test('Remove whose answer comes before the snapshot without the card keeps its note: not "removed elsewhere"', async ({
  page,
  streamscope,
}) => {
  const snapshots = await snapshotsHeldOnDemand(page);
  const dashboard = new Dashboard(page);
  await page.goto(streamscope.url);
  await expect(dashboard.connection).toHaveText('connected');
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await expect(workerA).toBeVisible();
  // The answer and the snapshots without the card arrive together, focus still on the card's Remove button.
  snapshots.holdAll();
  await workerA.getByRole('button', { name: 'Remove worker-a' }).click();
  await page.waitForTimeout(1_500);
  snapshots.release();
  await expect(workerA).toHaveCount(0);
  const notifications = dashboard.group('notifications');
  await expect(notifications).toContainText(/Removed worker-a: \d+ pending handed over to worker-b/);
  await expect(notifications.getByText(/removed elsewhere/)).toHaveCount(0);
});

test("Remove of a group's last consumer says why before it is pressed, sends nothing, and works once it has a peer", async ({
  page,
  streamscope,
}) => {
  const dashboard = new Dashboard(page);
  await page.goto(streamscope.url);
  await expect(dashboard.connection).toHaveText('connected');
  const workerC = dashboard.consumer('analytics', 'worker-c');
  const remove = workerC.getByRole('button', { name: 'Remove worker-c' });
  await expect(remove).toHaveAttribute('aria-disabled', 'true');
  await expect(remove).toHaveAccessibleDescription(
    /^The last consumer of analytics on this server: .*Add another consumer first$/,
  );
  // Pressed all the same (Playwright's click waits for an enabled button): nothing is sent.
  await remove.press('Enter');
  // A command sent after it has its answer, over the same socket: a refusal would have come before it.
  await dashboard.produceEvents(1);
  await expect(dashboard.produce.getByText(/^Produced 1/)).toBeVisible();
  await expect(workerC.getByRole('alert')).toHaveCount(0);

  const analytics = dashboard.group('analytics');
  await analytics.getByLabel('Consumer name for analytics').fill('worker-x');
  await analytics.getByRole('button', { name: 'Add consumer to analytics' }).click();
  const workerX = dashboard.consumer('analytics', 'worker-x');
  await expect(workerX).toBeVisible();
  // Its only peer paused: the entries would wait on it, and the button says so.
  await workerX.getByRole('button', { name: 'Pause worker-x' }).click();
  await expect(remove).toHaveAccessibleDescription(
    /^Every other consumer of analytics on this server is paused/,
  );
  await workerX.getByRole('button', { name: 'Resume worker-x' }).click();
  await expect(remove).not.toHaveAttribute('aria-disabled');
  await remove.click();
  await expect(page.locator(':focus')).toContainText(/^Removed worker-c: 0 pending handed over to worker-x/);
});
