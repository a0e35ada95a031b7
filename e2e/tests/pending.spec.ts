import type { Dashboard } from '../fixtures/dashboard.js';
import { expect, test } from '../fixtures/test.js';

/** Three entries worker-a dropped, idle past the claim threshold, the pending table in view. */
async function threeClaimableOnWorkerA(dashboard: Dashboard): Promise<void> {
  await dashboard.dropThreeOnWorkerA();
  await dashboard.pending.scrollIntoViewIfNeeded();
  await expect(dashboard.pending.getByText('claimable')).toHaveCount(3);
}

test('XAUTOCLAIM into the default target keeps that target selected once nothing is stuck', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending } = dashboard;
  await threeClaimableOnWorkerA(dashboard);
  // An entry's timeline says where it sits now, from Redis, beside the steps this server recorded.
  await pending.getByRole('row').filter({ hasText: 'worker-a' }).first().getByRole('button').first().click();
  await expect(
    dashboard.timeline.getByText(/^Pending now at worker-a: idle .*, delivered once, claimable/),
  ).toBeVisible();
  await dashboard.page.keyboard.press('Escape');
  await expect(dashboard.timeline).toHaveCount(0);
  // Longest idle first, or by deliveries (most first: those headed for the dead letters) from its header.
  const idle = pending.getByRole('columnheader', { name: 'Idle' });
  const deliveries = pending.getByRole('columnheader', { name: 'Deliveries' });
  await expect(idle).toHaveAttribute('aria-sort', 'descending');
  await deliveries.getByRole('button').click();
  await expect(deliveries).toHaveAttribute('aria-sort', 'descending');
  await expect(idle).not.toHaveAttribute('aria-sort');
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

test('a panel out of view follows the stream every few seconds, so what is read without scrolling is current', async ({
  dashboard,
  page,
  streamscope,
}) => {
  // At 1,024 px the panels stack in one column: the pending table is far below the window.
  await page.setViewportSize({ width: 1024, height: 700 });
  await expect(dashboard.connection).toHaveText('connected');
  const { pending } = dashboard;
  await expect(pending).not.toBeInViewport();
  await expect(pending).toContainText('Nothing pending');
  // Through the API, so nothing on the page scrolls.
  const post = (path: string, body: unknown) =>
    page.request.post(`${streamscope.url}/api/${path}`, { data: body });
  expect((await post('consumer/crash', { group: 'analytics', name: 'worker-c', count: 2 })).ok()).toBe(true);
  expect((await post('produce', { count: 5 })).ok()).toBe(true);
  // What a screen reader's virtual cursor, or find in page, reads there: no scroll, no stale "Nothing pending".
  await expect(pending).toContainText(/2\s*pending/);
  await expect(pending.getByRole('row').filter({ hasText: 'worker-c' })).toHaveCount(2);
  await expect(pending).not.toBeInViewport();
});

test('the pending table holds still while the pointer rests on it, and follows the stream once it leaves', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending } = dashboard;
  await dashboard.dropThreeOnWorkerA();
  await pending.scrollIntoViewIfNeeded();
  const rows = pending.getByRole('row').filter({ hasText: 'worker-a' });
  await expect(rows).toHaveCount(3);

  // A cursor on its way to an ID: worker-a's entries are handed to worker-b and acked meanwhile.
  await rows.first().hover();
  const removal = await page.request.post(`${streamscope.url}/api/consumer/remove`, {
    data: { group: 'notifications', name: 'worker-a' },
  });
  expect(removal.ok()).toBe(true);
  await expect(dashboard.consumer('notifications', 'worker-a')).toHaveCount(0);
  await expect(rows).toHaveCount(3);
  // Away from it, the table is the stream's again.
  await dashboard.produce.hover();
  await expect(rows).toHaveCount(0);
});

test('a claimable pending entry is dead-lettered by hand, asked first, and lands in the dead letters', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending, deadLetters } = dashboard;
  await threeClaimableOnWorkerA(dashboard);
  const button = pending.getByRole('button', { name: /^To DLQ: \S+ of notifications$/ }).first();
  const id = (await button.getAttribute('aria-label'))?.split(' ')[2] ?? '';

  // Dismissed, nothing happens.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await button.click();
  await expect(pending.getByText('claimable')).toHaveCount(3);

  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain(`Dead-letter ${id}?`);
    void dialog.accept();
  });
  // From the keyboard: the row leaves, and focus goes on to the next row's button.
  await pending.getByRole('button', { name: `To DLQ: ${id} of notifications` }).press('Enter');
  await expect(
    pending.getByText(new RegExp(`^Dead-lettered ${id} of notifications, held by worker-a`)),
  ).toBeVisible();
  await expect(pending.getByText('claimable')).toHaveCount(2);
  await expect(pending.getByRole('button', { name: /^To DLQ: \S+ of notifications$/ }).first()).toBeFocused();
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('1');
  await expect(deadLetters.getByText('dead-lettered by hand')).toBeVisible();
});

test("a consumer's pending figure lists its entries in the pending table, and the filter goes back to every group", async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending } = dashboard;
  const workerA = await dashboard.dropThreeOnWorkerA();
  expect(
    (
      await page.request.post(`${streamscope.url}/api/consumer/crash`, {
        data: { group: 'analytics', name: 'worker-c', count: 2 },
      })
    ).ok(),
  ).toBe(true);
  await dashboard.produceEvents(5);
  const rows = pending.getByRole('row').filter({ hasText: /worker-/ });
  await expect(rows).toHaveCount(5);

  await workerA.getByRole('button', { name: '3 pending: list those of notifications/worker-a' }).click();
  const show = pending.getByLabel('Show');
  await expect(show).toBeFocused();
  await expect(pending).toBeInViewport();
  await expect(show).toHaveValue(JSON.stringify(['notifications', 'worker-a']));
  await expect(pending.getByText(/^3\s*pending with notifications\/worker-a$/)).toBeVisible();
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'worker-c' })).toHaveCount(0);
  // XAUTOCLAIM has no consumer filter: narrowed to one consumer, the panel says its claim takes the whole group's.
  await expect(
    pending.getByText("XAUTOCLAIM takes every idle entry of notifications, not only worker-a's"),
  ).toBeVisible();

  // A group's figure likewise, for all of its consumers.
  await dashboard
    .group('analytics')
    .getByRole('button', { name: '2 pending: list those of analytics', exact: true })
    .click();
  await expect(show).toBeFocused();
  await expect(show).toHaveValue(JSON.stringify(['analytics', null]));
  await expect(rows).toHaveCount(2);
  await show.selectOption({ label: 'All groups' });
  await expect(rows).toHaveCount(5);
});

test('one claimable pending entry is claimed by hand for a peer, which handles and acks it; focus goes on down the table', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending } = dashboard;
  await threeClaimableOnWorkerA(dashboard);
  const claims = pending.getByRole('button', { name: /^Claim: .* of notifications for worker-b$/ });
  await expect(claims).toHaveCount(3);
  const first = claims.first();
  const id = ((await first.getAttribute('aria-label')) ?? '').replace(/^Claim: (\S+) .*$/, '$1');
  await first.focus();
  await first.press('Enter');
  await expect(
    pending.getByText(
      new RegExp(
        `^Claimed ${id} of notifications for worker-b from worker-a \\(delivery 2\\): handled and acked`,
      ),
    ),
  ).toBeVisible();
  await expect(pending.getByText('claimable')).toHaveCount(2);
  await expect(pending.getByRole('row').filter({ hasText: id })).toHaveCount(0);
  // The next row's Claim, not the top of the page: the rest can be taken one key press each.
  await expect(claims.first()).toBeFocused();
  await expect(dashboard.stat(dashboard.consumer('notifications', 'worker-b'), 'Reaped')).toHaveText('1');
});

test('a claimable entry with no one here to claim it for says why where its Claim would be', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending, timeline } = dashboard;
  const post = (path: string, body: unknown) =>
    page.request.post(`${streamscope.url}/api/${path}`, { data: body });
  // analytics has one consumer, worker-c: what it drops has no peer of its group to go to.
  expect((await post('consumer/crash', { group: 'analytics', name: 'worker-c', count: 1 })).ok()).toBe(true);
  expect((await post('produce', { count: 3 })).ok()).toBe(true);
  await pending.scrollIntoViewIfNeeded();
  const row = pending.getByRole('row').filter({ hasText: 'worker-c' });
  await expect(row.getByText('claimable')).toHaveCount(1);
  const claim = row.getByRole('button', { name: /^Claim: \S+ of analytics$/ });
  await expect(claim).toHaveAttribute('aria-disabled', 'true');
  // worker-c itself, its one crash spent, can run it again: by XAUTOCLAIM into it, which the page says.
  await expect(claim).toHaveAccessibleDescription(
    'No other consumer of analytics runs on this server to claim it for; XAUTOCLAIM to selected with worker-c runs it again there',
  );
  // Its timeline says it where its Claim would be, too.
  await row.getByRole('button').first().click();
  await expect(
    timeline.getByText(
      /^Pending now at worker-c: idle .*, claimable\. No other consumer of analytics runs on this server to claim it for; XAUTOCLAIM to selected with worker-c runs it again there\.$/,
    ),
  ).toBeVisible();
  await expect(timeline.getByRole('button', { name: /^Claim for/ })).toHaveCount(0);
});

test('an XAUTOCLAIM refused as its target is paused says so until that target is resumed', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending } = dashboard;
  await threeClaimableOnWorkerA(dashboard);
  const workerB = dashboard.consumer('notifications', 'worker-b');
  await workerB.getByRole('button', { name: 'Pause worker-b' }).click();
  await expect(workerB.getByRole('button', { name: 'Resume worker-b' })).toBeVisible();
  await pending.getByLabel('Target consumer').selectOption('notifications/worker-b');
  await pending.getByRole('button', { name: 'XAUTOCLAIM to selected' }).click();
  const refusal = pending.getByRole('alert');
  await expect(refusal).toContainText('worker-b is paused and takes on nothing');
  await workerB.getByRole('button', { name: 'Resume worker-b' }).click();
  await expect(refusal).toHaveCount(0);
  await pending.getByRole('button', { name: 'XAUTOCLAIM to selected' }).click();
  await expect(pending.getByText(/^Into notifications\/worker-b: claimed 3/)).toBeVisible();
});

test('a picked XAUTOCLAIM target removed elsewhere says so, and which consumer the select moved to', async ({
  dashboard,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { pending, page } = dashboard;
  const target = pending.getByLabel('Target consumer');
  await target.selectOption('notifications/worker-b');
  const elsewhere = await page.request.post(`${streamscope.url}/api/consumer/remove`, {
    data: { group: 'notifications', name: 'worker-b' },
  });
  expect(elsewhere.ok()).toBe(true);
  await expect(
    pending.getByText(
      'notifications/worker-b, the target picked, is no longer here: XAUTOCLAIM now goes to notifications/worker-a.',
    ),
  ).toBeVisible();
  await expect(target).toHaveValue('notifications/worker-a');
  // Picking again is the user's word on it: the note goes.
  await target.selectOption('analytics/worker-c');
  await expect(pending.getByText(/the target picked, is no longer here/)).toHaveCount(0);
});
