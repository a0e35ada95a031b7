import { Dashboard } from '../fixtures/dashboard.js';
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
    /^⚠ analytics acks 0(\.0)?\/s, under the 200\/s produced: it (falls behind \(lag [\d,]+\) and will lose entries it has not read once its lag reaches|is) MAXLEN ~ /,
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

test('a producer stopped elsewhere is said to have stopped since, and a reset says it stops one that runs', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const start = async () => {
    await dashboard.produce.getByLabel('Rate (events/s)').fill('20');
    await dashboard.produce.getByRole('button', { name: 'Start', exact: true }).click();
  };
  await start();
  const started = dashboard.produce.getByText(/^Started at 20\/s, random/);
  await expect(started).toBeVisible();
  await expect(started).not.toContainText('stopped since');
  // Stopped from another page: this one's line, what its form did, says the producer did not stay started.
  const other = await page.context().newPage();
  await other.goto(page.url());
  await new Dashboard(other).produce.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(dashboard.produce.getByText('stopped', { exact: true })).toBeVisible();
  await expect(started).toContainText('it has stopped since (another page, a reset, or a server restart');
  await other.close();

  await start();
  await expect(started).not.toContainText('stopped since');
  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    void dialog.accept();
  });
  await page.getByRole('button', { name: 'Reset demo' }).click();
  await expect.poll(() => question).toMatch(/^Stop the continuous producer, delete \S+, its dead letters/);
  await expect(dashboard.produce.getByText('stopped', { exact: true })).toBeVisible();
});
