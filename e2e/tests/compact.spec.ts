import { expect, test } from '../fixtures/test.js';

test('the compact view: consumers as table rows with live figures, sorted, paused, crashed and removed from a row', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const notifications = dashboard.group('notifications');
  const table = dashboard.consumerTable('notifications');
  const rows = table.locator('tbody').getByRole('row');

  // Two consumers: cards, until the user switches.
  await expect(dashboard.compactSwitch('notifications')).not.toBeChecked();
  await expect(notifications.getByRole('article')).toHaveCount(2);
  await dashboard.compactSwitch('notifications').check();
  await expect(table).toBeVisible();
  await expect(notifications.getByRole('article')).toHaveCount(0);
  await expect(rows).toHaveCount(2);

  // Added consumers come in as rows, in counting order.
  for (const name of ['worker-d', 'worker-e', 'worker-f']) {
    await notifications.getByLabel('Consumer name for notifications').fill(name);
    await notifications.getByRole('button', { name: 'Add consumer to notifications' }).click();
    await expect(dashboard.consumer('notifications', name)).toBeVisible();
  }
  const names = ['worker-a', 'worker-b', 'worker-d', 'worker-e', 'worker-f'];
  await expect(rows.getByRole('rowheader')).toHaveText(names);
  await expect(dashboard.consumer('notifications', 'worker-d').getByText('alive')).toBeVisible();

  // Figures follow the store as on the cards: the group's five consumers processed the 20 entries between them.
  await dashboard.produceEvents(20);
  // Scrolled to, as a person would: rows out of view keep their last figures, and since a card's recent IDs were
  // spaced to 24 px some of these rows were out of the window after the Produce click (2 runs in 3).
  await table.scrollIntoViewIfNeeded();
  const processed = async () => {
    let sum = 0;
    for (const name of names) {
      sum += Number(
        await dashboard.stat(dashboard.consumer('notifications', name), 'Processed').textContent(),
      );
    }
    return sum;
  };
  await expect.poll(processed).toBe(20);

  // Everyone but worker-a paused from their rows, then worker-a crashes its next 3: they stay pending with it.
  for (const name of names.slice(1)) {
    const row = dashboard.consumer('notifications', name);
    await row.getByRole('button', { name: `Pause ${name}` }).click();
    await expect(row.getByText('paused', { exact: true })).toBeVisible();
    await expect(row.getByRole('button', { name: `Resume ${name}` })).toBeVisible();
  }
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await workerA.getByRole('button', { name: 'Crash next 3 on worker-a' }).click();
  await expect(workerA.getByText('crash-queued 3')).toBeVisible();
  await dashboard.produceEvents(3);
  await expect(dashboard.stat(workerA, 'Dropped')).toHaveText('3');
  await expect(dashboard.stat(workerA, 'Pending')).toHaveText('3');
  await expect(workerA.getByText('crash-queued 3')).toHaveCount(0);

  // Sorted by pending, most first: worker-a leads; the Consumer header puts counting order back, then turns it.
  const pendingHeader = table.getByRole('columnheader', { name: 'Pending' });
  await pendingHeader.getByRole('button').click();
  await expect(pendingHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.first().getByRole('rowheader')).toHaveText('worker-a');
  const consumerHeader = table.getByRole('columnheader', { name: 'Consumer' });
  await consumerHeader.getByRole('button').click();
  await expect(consumerHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.getByRole('rowheader')).toHaveText(names);
  await consumerHeader.getByRole('button').click();
  await expect(consumerHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.getByRole('rowheader')).toHaveText([...names].reverse());
  // The sort outlives a switch to cards and back.
  await dashboard.compactSwitch('notifications').uncheck();
  await expect(notifications.getByRole('article')).toHaveCount(5);
  await dashboard.compactSwitch('notifications').check();
  await expect(consumerHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.getByRole('rowheader')).toHaveText([...names].reverse());

  // Rows hold still under the pointer, so a click lands on the consumer it was aimed at: one added meanwhile
  // (from the keyboard, the cursor resting on a row) waits at the end until the pointer leaves the rows.
  await rows.first().hover();
  await notifications.getByLabel('Consumer name for notifications').fill('worker-c');
  await notifications.getByLabel('Consumer name for notifications').press('Enter');
  const held = [...[...names].reverse(), 'worker-c'];
  await expect(rows.getByRole('rowheader')).toHaveText(held);
  await expect(notifications.getByText(/^Rows keep their places while the pointer/)).toBeVisible();
  await page.mouse.move(0, 0);
  await expect(rows.getByRole('rowheader')).toHaveText([
    'worker-f',
    'worker-e',
    'worker-d',
    'worker-c',
    'worker-b',
    'worker-a',
  ]);
  await expect(notifications.getByText(/^Rows keep their places/)).toHaveCount(0);

  // From the keyboard: Resume keeps focus, on the button that now says Pause.
  const workerB = dashboard.consumer('notifications', 'worker-b');
  await workerB.getByRole('button', { name: 'Resume worker-b' }).focus();
  await page.keyboard.press('Enter');
  await expect(workerB.getByRole('button', { name: 'Pause worker-b' })).toBeFocused();
  await expect(workerB.getByText('paused', { exact: true })).toHaveCount(0);

  // Remove from a row: its 3 pending go to a running consumer, and focus to the note saying so.
  await workerA.getByRole('button', { name: 'Remove worker-a' }).click();
  await expect(page.locator(':focus')).toContainText(/^Removed worker-a: 3 pending handed over to worker-b/);
  await expect(workerA).toHaveCount(0);
  await expect(rows).toHaveCount(5);

  // The choice is kept across a reload, and cards come back when switched off, also past 8 consumers.
  await page.reload();
  await expect(dashboard.connection).toHaveText('connected');
  await expect(dashboard.compactSwitch('notifications')).toBeChecked();
  await expect(rows).toHaveCount(5);
  await dashboard.compactSwitch('notifications').uncheck();
  await expect(notifications.getByRole('article')).toHaveCount(5);
  for (const name of ['worker-g', 'worker-h', 'worker-i', 'worker-j']) {
    await notifications.getByLabel('Consumer name for notifications').fill(name);
    await notifications.getByRole('button', { name: 'Add consumer to notifications' }).click();
    await expect(dashboard.consumer('notifications', name)).toBeVisible();
  }
  await expect(notifications.getByRole('article')).toHaveCount(9);
  await expect(dashboard.compactSwitch('notifications')).not.toBeChecked();

  // A group nobody switched shows the table by itself past 8 consumers.
  const analytics = dashboard.group('analytics');
  for (let i = 1; i <= 8; i += 1) {
    await expect(dashboard.compactSwitch('analytics')).not.toBeChecked();
    await analytics.getByLabel('Consumer name for analytics').fill(`pod-${i}`);
    await analytics.getByRole('button', { name: 'Add consumer to analytics' }).click();
    await expect(dashboard.consumer('analytics', `pod-${i}`)).toBeVisible();
  }
  await expect(dashboard.compactSwitch('analytics')).toBeChecked();
  await expect(dashboard.consumerTable('analytics').locator('tbody').getByRole('row')).toHaveCount(9);
  await expect(analytics.getByRole('article')).toHaveCount(0);
  // Back at 8 it stays a table: cards would come in under the cursor that clicked Remove, the note a screen down.
  await dashboard.consumer('analytics', 'pod-8').getByRole('button', { name: 'Remove pod-8' }).click();
  await expect(page.locator(':focus')).toContainText(/^Removed pod-8/);
  await expect(page.locator(':focus')).toBeInViewport();
  await expect(dashboard.consumerTable('analytics').locator('tbody').getByRole('row')).toHaveCount(8);
  await expect(dashboard.compactSwitch('analytics')).toBeChecked();
});

test('narrow windows: a group header wraps its rates and switches as one; at 200% zoom the compact table fits the window, scrolls inside it and keeps its column headers over the rows', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  // A group's header too narrow for one line (two groups side by side in a 1115 px window) puts its rates and
  // switches on the next one together, not a switch's separator at the start of a line of its own.
  await page.setViewportSize({ width: 1115, height: 800 });
  const header = dashboard.group('analytics').locator('header').first();
  // All three read in one layout: the header's rates change with every snapshot, and three reads one round trip
  // apart could straddle a render that moved the whole cluster to the next line, measuring one part on each.
  const middles = await header.evaluate((element) =>
    ['delivered', 'Auto-reap', 'Compact'].map((text) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        if (!node.textContent?.includes(text)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const { top, height } = range.getBoundingClientRect();
        return top + height / 2;
      }
      return Number.NaN;
    }),
  );
  const [delivered = Number.NaN, autoReap = Number.NaN, compact = Number.NaN] = middles;
  expect(Math.abs(compact - autoReap)).toBeLessThan(6);
  expect(Math.abs(delivered - autoReap)).toBeLessThan(6);

  // A 1280 × 800 screen at 200% zoom: 640 × 400 CSS pixels.
  await page.setViewportSize({ width: 640, height: 400 });
  for (let i = 1; i <= 12; i += 1) {
    const added = await page.request.post(`${streamscope.url}/api/consumer/add`, {
      data: { group: 'notifications', name: `pod-${i}` },
    });
    expect(added.ok()).toBe(true);
  }
  const table = dashboard.consumerTable('notifications');
  await expect(table.locator('tbody').getByRole('row')).toHaveCount(14);

  // The frame fits the window with room to spare, so its headers and rows are seen together.
  const frame = page.locator('.consumer-table-wrap');
  await frame.scrollIntoViewIfNeeded();
  const box = await frame.boundingBox();
  expect(box?.height).toBeLessThan(400);
  expect(box?.y).toBeGreaterThanOrEqual(0);
  // The page's header scrolled away with the page rather than keep a quarter of the window.
  await expect(page.getByRole('banner')).not.toBeInViewport();

  // Scrolled to its last row, the table still shows which figure is which, on top of the rows under it.
  await frame.evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await expect(table.getByRole('row', { name: 'worker-b' })).toBeInViewport();
  const pendingHeader = table.getByRole('columnheader', { name: 'Pending' });
  await expect(pendingHeader).toBeInViewport();
  const headerOnTop = await pendingHeader.evaluate((header) => {
    const { left, top, width, height } = header.getBoundingClientRect();
    return header.contains(document.elementFromPoint(left + width / 2, top + height / 2));
  });
  expect(headerOnTop).toBe(true);
});
