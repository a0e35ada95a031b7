import type { Page } from '@playwright/test';
import type { Dashboard } from '../fixtures/dashboard.js';
import { snapshotsHeldOnDemand } from '../fixtures/held-snapshots.js';
import { runRedisScript } from '../fixtures/redis-script.js';
import { expect, test } from '../fixtures/test.js';

// Sixty letters, ten more than a snapshot lists: the oldest ten are only on the page "Show older" loads.
const SIXTY_LETTERS = `
for n = 1, 60 do
  redis.call('XADD', KEYS[1], '*', 'dlq_original_id', n .. '-1', 'dlq_group', 'notifications',
    'dlq_consumer', 'worker-a', 'dlq_delivery_count', '5', 'dlq_reason', 'max_deliveries',
    'dlq_ts_ms', '0', 'type', 'order.placed', 'ts_ms', '0', 'order_id', 'o-' .. n)
end`;

/** The page, connected, its snapshots held once told: its view stale, as between another page's change and its next one. */
async function pageWithSnapshotsHeldOnDemand(page: Page, dashboard: Dashboard) {
  const snapshots = await snapshotsHeldOnDemand(page);
  await page.reload();
  await expect(dashboard.connection).toHaveText('connected');
  return snapshots;
}

test('Requeue of an older letter another client discarded first says so, and its row goes', async ({
  page,
  redis,
  streamscope,
  dashboard,
}) => {
  const snapshots = await pageWithSnapshotsHeldOnDemand(page, dashboard);
  runRedisScript(redis, SIXTY_LETTERS, [`${streamscope.streamKey}:dlq`]);
  const deadLetters = dashboard.deadLetters;
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('60');
  await deadLetters.getByRole('button', { name: 'Show 100 older' }).click();
  const oldest = deadLetters
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: 'Requeue 1-1' }) });
  await expect(oldest).toBeVisible();

  snapshots.hold();
  const listed = await page.request.post(`${streamscope.url}/api/dlq/list`, { data: { count: 100 } });
  const letter = ((await listed.json()) as { entries: { id: string; originalId: string }[] }).entries.find(
    (entry) => entry.originalId === '1-1',
  );
  const elsewhere = await page.request.post(`${streamscope.url}/api/dlq/discard`, {
    data: { id: letter?.id },
  });
  expect(elsewhere.ok()).toBe(true);

  await oldest.getByRole('button', { name: 'Requeue 1-1' }).click();
  await expect(
    deadLetters.getByText(
      /^Requeue 1-1: this letter had already left the dead-letter stream \(requeued or discarded from another page or client/,
    ),
  ).toBeVisible();
  await expect(oldest).toHaveCount(0);
});

test('Older letters a person loaded stay shown as new letters arrive: those arriving push the live list back, and join them', async ({
  redis,
  streamscope,
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const dlqKey = `${streamscope.streamKey}:dlq`;
  runRedisScript(redis, SIXTY_LETTERS, [dlqKey]);
  const deadLetters = dashboard.deadLetters;
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('60');
  await deadLetters.getByRole('button', { name: 'Show 100 older' }).click();
  const oldest = deadLetters.getByRole('button', { name: 'Requeue 1-1' });
  await expect(oldest).toBeVisible();
  // Thirty more: the live list's end moves back thirty letters.
  runRedisScript(redis, SIXTY_LETTERS.replace('for n = 1, 60', 'for n = 61, 90'), [dlqKey]);
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('90');
  await expect(deadLetters.getByRole('button', { name: 'Requeue 90-1' })).toBeVisible();
  await expect(deadLetters.getByRole('button', { name: /^Requeue \d+-1 / })).toHaveCount(90);
  await expect(oldest).toBeVisible();
});

test('Requeue of a letter whose group was deleted since asks first, and says no group handles it for that one', async ({
  page,
  redis,
  streamscope,
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  // A letter billing wrote before it was deleted: the stream has only the demo's two groups.
  runRedisScript(
    redis,
    `redis.call('XADD', KEYS[1], '*', 'dlq_original_id', '7-1', 'dlq_group', 'billing', 'dlq_consumer', 'pod-1',
      'dlq_delivery_count', '5', 'dlq_reason', 'max_deliveries', 'dlq_ts_ms', '0', 'type', 'order.paid',
      'ts_ms', '0', 'order_id', 'o-7')`,
    [`${streamscope.streamKey}:dlq`],
  );
  const deadLetters = dashboard.deadLetters;
  const row = deadLetters.getByRole('row').filter({ hasText: 'billing' });
  await expect(row.getByText('group deleted')).toBeVisible();
  const questions: string[] = [];
  let accept = false;
  page.on('dialog', (dialog) => {
    questions.push(dialog.message());
    void (accept ? dialog.accept() : dialog.dismiss());
  });
  const requeue = deadLetters.getByRole('button', { name: /^Requeue 7-1 / });
  await requeue.click();
  await expect.poll(() => questions.length).toBe(1);
  expect(questions[0]).toMatch(/^The group billing, which dead-lettered 7-1, no longer exists\./);
  // Dismissed: nothing was sent, and the letter stays.
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('1');
  accept = true;
  await requeue.click();
  await expect(
    deadLetters.getByText(/billing, which had dead-lettered it, no longer exists: no group handles it again/),
  ).toBeVisible();
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('0');
});

test('Requeue of a letter another page took along, putting its entry back, says the entry is back, naming the copy', async ({
  page,
  redis,
  streamscope,
  dashboard,
}) => {
  // It still lists the letter the other requeue took along.
  const snapshots = await pageWithSnapshotsHeldOnDemand(page, dashboard);
  runRedisScript(
    redis,
    `for _, group in ipairs({ 'notifications', 'analytics' }) do
      redis.call('XADD', KEYS[1], '*', 'dlq_original_id', '9-1', 'dlq_group', group, 'dlq_consumer', 'worker-a',
        'dlq_delivery_count', '5', 'dlq_reason', 'max_deliveries', 'dlq_ts_ms', '0', 'type', 'poison.pill',
        'ts_ms', '0', 'order_id', 'o-9')
    end`,
    [`${streamscope.streamKey}:dlq`],
  );
  const deadLetters = dashboard.deadLetters;
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('2');
  snapshots.hold();
  const listed = await page.request.post(`${streamscope.url}/api/dlq/list`, { data: { count: 10 } });
  const { entries } = (await listed.json()) as { entries: { id: string; group: string }[] };
  const analytics = entries.find((letter) => letter.group === 'analytics');
  const elsewhere = await page.request.post(`${streamscope.url}/api/dlq/requeue`, {
    data: { id: analytics?.id },
  });
  const { requeuedAs } = (await elsewhere.json()) as { requeuedAs: string };
  const notificationsRow = deadLetters.getByRole('row').filter({ hasText: 'notifications' });
  await notificationsRow.getByRole('button', { name: /^Requeue 9-1 / }).click();
  await expect(
    deadLetters.getByText(
      /^9-1 was back on the stream already, as .*: this letter had left the dead letters, requeued, discarded or taken along from another page or client/,
    ),
  ).toContainText(requeuedAs);
  await expect(deadLetters.getByRole('alert')).toHaveCount(0);
});
