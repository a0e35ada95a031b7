import { expect, test } from '../fixtures/test.js';

test('the page reconnects by itself after the server restarts, and says so meanwhile', async ({
  dashboard,
  streamscope,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  await dashboard.produceEvents(5);
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('5');

  const banner = page.getByRole('banner');
  await expect(banner.getByText('No alerts', { exact: true })).toBeVisible();
  await streamscope.stop();
  await expect(dashboard.connection).toHaveText(/reconnecting|disconnected/);
  // Nothing is known to be well while nothing is known.
  await expect(banner.getByText('Alerts unknown', { exact: true })).toBeVisible();
  // Acting meanwhile says so where the user acted; once connected again, that is no longer true.
  await dashboard.produceEvents(1);
  const offline = dashboard.produce.getByRole('alert');
  await expect(offline).toContainText('not connected to the server');

  await streamscope.restart(); // same port, --no-reset: the stream is still there
  await expect(dashboard.connection).toHaveText('connected', { timeout: 20_000 });
  await expect(offline).toHaveCount(0);
  await expect(banner.getByText('No alerts', { exact: true })).toBeVisible();
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('5');
  await dashboard.produceEvents(3);
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('8');
});

test('a bad form value shows an error where the user acted and changes nothing', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  await dashboard.produceEvents(4);
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('4');

  // The browser's own validation stops a count below 1 at the field, before anything is sent.
  await dashboard.produceEvents(0);
  const count = dashboard.produce.getByLabel('Number of events');
  expect(await count.evaluate((input: HTMLInputElement) => input.validationMessage)).not.toBe('');

  // A replay that worked, then one with a bad start: the error shows, and the entries replayed before stay.
  await dashboard.replay.getByRole('button', { name: 'Replay' }).click();
  const replayed = dashboard.replay.getByRole('table', { name: 'Replayed entries from - to +' });
  await expect(replayed.getByRole('row')).toHaveCount(5);
  await dashboard.replay.getByLabel('Start').fill('yesterday');
  await dashboard.replay.getByRole('button', { name: 'Replay' }).click();
  await expect(dashboard.replay.getByRole('alert')).toContainText(/Start: must be/);
  await expect(replayed.getByRole('row')).toHaveCount(5);

  const notifications = dashboard.group('notifications');
  await notifications.getByLabel('Consumer name for notifications').fill('worker-a');
  await notifications.getByRole('button', { name: 'Add consumer to notifications' }).click();
  await expect(notifications.getByRole('alert')).toContainText(/already exists/);

  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('4');
  await expect(page.getByRole('article')).toHaveCount(3);
});

test('while Redis is away the page says its figures are frozen and why, and recovers with it, saying what it lost', async ({
  dashboard,
  page,
  redis,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  await dashboard.produceEvents(5);
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('5');

  await redis.kill();
  const banner = page.getByRole('alert').filter({ hasText: 'Figures frozen since' });
  await expect(banner).toContainText('Redis is unavailable');
  // Acting meanwhile says so where the user acted, at once.
  await dashboard.produceEvents(1);
  await expect(dashboard.produce.getByRole('alert')).toContainText('Redis is unavailable');

  await redis.restart();
  await expect(banner).toHaveCount(0, { timeout: 20_000 });
  // This Redis keeps nothing on disk: it came back without the stream, and the page says so, not only the log.
  await expect(
    dashboard.stream.getByText(
      /^⚠ Deleted at \d\d:\d\d:\d\d, not by a reset of this server: Redis restarted without its data/,
    ),
  ).toBeVisible();
  // The outage's error under the form went with it.
  await expect(dashboard.produce.getByText('Redis is unavailable')).toHaveCount(0);
  await dashboard.produceEvents(2);
  await expect(dashboard.stat(dashboard.stream, 'Produced')).not.toHaveText('0');
});
