import { Dashboard } from '../fixtures/dashboard.js';
import { expect, test } from '../fixtures/test.js';

test('Remove of a consumer another page removed already says so in its group, where focus goes', async ({
  page,
  streamscope,
}) => {
  // This page's socket passes the server's messages on until told to hold its snapshots: its view is then stale,
  // as a page's is in the moment between another page's removal and its own next snapshot.
  let holdSnapshots = false;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (holdSnapshots && typeof message === 'string' && message.startsWith('{"type":"snapshot"')) return;
      ws.send(message);
    });
  });
  const dashboard = new Dashboard(page);
  await page.goto(streamscope.url);
  await expect(dashboard.connection).toHaveText('connected');
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await expect(workerA).toBeVisible();
  holdSnapshots = true;
  const elsewhere = await page.request.post(`${streamscope.url}/api/consumer/remove`, {
    data: { group: 'notifications', name: 'worker-a' },
  });
  expect(elsewhere.ok()).toBe(true);
  await workerA.getByRole('button', { name: 'Remove worker-a' }).click();
  await expect(page.locator(':focus')).toContainText(
    /^worker-a was gone already, removed elsewhere: no consumer notifications\/worker-a/,
  );
});

test("Remove of a group's last consumer is refused under its card until the group gains another", async ({
  page,
  streamscope,
}) => {
  const dashboard = new Dashboard(page);
  await page.goto(streamscope.url);
  await expect(dashboard.connection).toHaveText('connected');
  const workerC = dashboard.consumer('analytics', 'worker-c');
  await workerC.getByRole('button', { name: 'Remove worker-c' }).click();
  const refusal = workerC.getByText(/is the last one of its group/);
  await expect(refusal).toBeVisible();
  // Still true while nothing changed in the group.
  await page.waitForTimeout(1_000);
  await expect(refusal).toBeVisible();
  const analytics = dashboard.group('analytics');
  await analytics.getByLabel('Consumer name for analytics').fill('worker-x');
  await analytics.getByRole('button', { name: 'Add consumer to analytics' }).click();
  await expect(dashboard.consumer('analytics', 'worker-x')).toBeVisible();
  await expect(refusal).toHaveCount(0);
});
