import { Dashboard } from '../fixtures/dashboard.js';
import { expect, test } from '../fixtures/test.js';

// The demo's own key, so that the screenshot the README shows reads as `npm start` does (Redis is this test's own).
test.use({ streamKey: 'demo:events:orders' });

test('the redis.io walk-through, and the timeline, charts and handover beyond it', async ({
  dashboard,
  page,
}) => {
  const { stream, pending } = dashboard;
  await expect(dashboard.connection).toHaveText('connected');

  // The page loads with two groups and three consumers.
  await expect(dashboard.group('notifications')).toBeVisible();
  await expect(dashboard.group('analytics')).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(3);

  // Produce 20: analytics processes all 20; notifications splits them between worker-a and worker-b.
  await dashboard.produceEvents(20);
  await expect(dashboard.stat(stream, 'Length')).toHaveText('20');
  await expect(dashboard.stat(dashboard.consumer('analytics', 'worker-c'), 'Processed')).toHaveText('20');
  const processedOf = async (name: string) =>
    Number(await dashboard.stat(dashboard.consumer('notifications', name), 'Processed').textContent());
  await expect.poll(async () => (await processedOf('worker-a')) + (await processedOf('worker-b'))).toBe(20);
  expect(await processedOf('worker-a')).toBeGreaterThan(0);
  expect(await processedOf('worker-b')).toBeGreaterThan(0);
  await expect(dashboard.tail.getByRole('button', { name: /^\d+-\d+$/ })).toHaveCount(10);
  // Named by the command it shows, unlike the live tail beside it (XREAD, no group).
  await expect(dashboard.tail).toContainText('XREVRANGE');

  // Crash next 3 on worker-a, produce more: three entries sit pending with worker-a.
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await workerA.getByRole('button', { name: 'Crash next 3 on worker-a' }).click();
  await expect(workerA).toContainText(/crash/i);
  await dashboard.produceEvents(20);
  // Scrolled to, as a person would: out of view the table keeps its last rows (as the charts do, below).
  await pending.scrollIntoViewIfNeeded();
  const pendingRows = pending.getByRole('row').filter({ hasText: 'worker-a' });
  await expect(pendingRows).toHaveCount(3);
  const stuckId = (await pendingRows.first().getByRole('button').textContent()) ?? '';
  expect(stuckId).toMatch(/^\d+-\d+$/);

  // Past the threshold, XAUTOCLAIM to worker-b: pending empties, delivery count 2 is seen.
  await expect(pending.getByText('claimable')).toHaveCount(3, { timeout: 10_000 });
  await pending.getByLabel('Target consumer').selectOption('notifications/worker-b');
  await pending.getByRole('button', { name: 'XAUTOCLAIM to selected' }).click();
  await expect(pending).toContainText(/claimed\D*3/i);
  await expect(pending.getByRole('row').filter({ hasText: 'worker-a' })).toHaveCount(0);
  const workerB = dashboard.consumer('notifications', 'worker-b');
  await expect(workerB.getByText('×2').first()).toBeVisible();

  // The claimed entry's timeline shows both attempts: dropped by worker-a, then acked by worker-b.
  await workerB.getByRole('button', { name: stuckId, exact: true }).click();
  await expect(dashboard.timeline).toBeVisible();
  await expect(dashboard.timeline).toContainText('worker-a');
  await expect(dashboard.timeline).toContainText('worker-b');
  await expect(dashboard.timeline).toContainText(/dropped/i);
  await expect(dashboard.timeline).toContainText(/attempt 2/i);
  await dashboard.timeline.getByRole('button', { name: 'Close timeline' }).click();

  // Replay shows the history, independent of group state.
  await dashboard.replay.getByLabel('Limit').fill('50');
  await dashboard.replay.getByRole('button', { name: 'Replay' }).click();
  await expect(dashboard.replay.getByRole('row')).toHaveCount(41); // 40 entries and the header

  // Trim to exactly 10 (an approximate trim of so short a stream may remove nothing: whole nodes only).
  await dashboard.retention.getByLabel('Exact trim (without ~)').check();
  await dashboard.retention.getByLabel(/^MAXLEN/).fill('10');
  await dashboard.retention.getByRole('button', { name: 'XTRIM' }).click();
  await expect(dashboard.retention).toContainText(/deleted/i);
  await expect(dashboard.stat(stream, 'Length')).toHaveText('10');
  // The replay still lists all 40, and says which of them the trim took.
  await expect(
    dashboard.replay.getByText(
      /^30 of these entries are no longer in the stream: trimmed \(or the stream reset\) since, it now begins at/,
    ),
  ).toBeVisible();

  // Add a consumer, then remove one and see the handover.
  const notifications = dashboard.group('notifications');
  await notifications.getByLabel('Consumer name for notifications').fill('worker-d');
  await notifications.getByRole('button', { name: 'Add consumer to notifications' }).click();
  await expect(dashboard.consumer('notifications', 'worker-d')).toBeVisible();
  await workerA.getByRole('button', { name: 'Remove worker-a' }).click();
  await expect(notifications).toContainText(/handed over|hand(ed)? (its|\d+)/i);
  await expect(dashboard.consumer('notifications', 'worker-a')).toHaveCount(0);
  // Focus left with the card's Remove button: it is on the note saying what the removal did.
  await expect(page.locator(':focus')).toContainText(/^Removed worker-a/);

  // Charts show data, and within about a second (they refresh once a second) the consumers as they are now.
  await expect(page.locator('.recharts-surface').first()).toBeVisible();
  await expect(page.locator('.recharts-layer path, .recharts-rectangle').first()).toBeAttached();
  const pendingPerConsumer = page.locator('.chart', { hasText: 'Pending per consumer' });
  await pendingPerConsumer.scrollIntoViewIfNeeded();
  await expect(pendingPerConsumer).toContainText('notifications/worker-d');
  await expect(pendingPerConsumer).not.toContainText('notifications/worker-a');
  // A screen reader is told each chart's figures, not its ticks one by one.
  await expect(page.getByRole('img', { name: /^Throughput, now: produced \d/ })).toBeAttached();
  await expect(
    page.getByRole('img', { name: /^Pending per consumer, .*notifications\/worker-d 0/ }),
  ).toBeAttached();

  // A page opened now draws the last seconds at once, from the history the server kept: more points than it
  // could have collected itself, one per clock second it has been connected (within two seconds, six where it
  // would have two or three). Judged from when its socket opened, so a busy machine slow to load the page is not
  // held against it (counted from the page's navigation, a slow load once left it a point short).
  const later = await page.context().newPage();
  await later.goto(page.url());
  await expect(new Dashboard(later).connection).toHaveText('connected');
  const connectedAt = await later.evaluate(() => performance.now());
  const throughput = later.locator('.chart', { hasText: 'Throughput' });
  await throughput.scrollIntoViewIfNeeded();
  const producedLine = throughput.locator('.recharts-area-curve').first();
  // Every point starts an M or L command: a gap in the history (a second a busy machine's snapshot missed) starts
  // a new segment with M, and counting only the Ls once took a point off.
  const pointsDrawn = async () =>
    (await producedLine.count()) === 0
      ? 0
      : (((await producedLine.getAttribute('d')) ?? '').match(/[ML]/g) ?? []).length;
  const pointsFromHistory = async () => {
    const drawn = await pointsDrawn();
    const connectedForMs = (await later.evaluate(() => performance.now())) - connectedAt;
    return drawn - (Math.ceil(connectedForMs / 1_000) + 1);
  };
  await expect.poll(pointsFromHistory).toBeGreaterThanOrEqual(3);
  await later.close();

  // From the top, so the sticky header sits where it belongs in the full-page picture, on a window as tall as the
  // page: a panel out of view is neither laid out nor painted (content-visibility), and a full-page capture of a
  // shorter window showed the lower panels empty. The lists that follow the store out of view only every 2 s get
  // a moment to catch up.
  await page.evaluate(() => window.scrollTo(0, 0));
  const viewport = page.viewportSize();
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport?.width ?? 1440, height: pageHeight });
  await page.waitForTimeout(2_500);
  await page.screenshot({ path: test.info().outputPath('dashboard.png'), fullPage: true });
  if (viewport !== null) await page.setViewportSize(viewport);

  // Another page, which learns of the reset only from the snapshots, has a result of its own.
  const other = await page.context().newPage();
  await other.goto(page.url());
  const otherProduce = new Dashboard(other).produce;
  await otherProduce.getByRole('button', { name: 'Produce', exact: true }).click();
  await expect(otherProduce.getByText(/^Produced 10/)).toBeVisible();
  await expect(dashboard.produce.getByText(/^Produced 20/)).toBeVisible();
  // This page sees the other's ten once a snapshot brings them: the ten kept by the trim, and those.
  await expect(dashboard.stat(stream, 'Length')).toHaveText('20');

  // Reset asks first, naming the stream it deletes; declining changes nothing.
  const lengthBefore = await dashboard.stat(stream, 'Length').textContent();
  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole('button', { name: /Reset demo/ }).click();
  await expect
    .poll(() => question)
    .toMatch(/^Delete demo:events:orders, its dead letters and every consumer group/);
  await page.waitForTimeout(500); // a snapshot or two: nothing was deleted
  await expect(dashboard.stat(stream, 'Length')).toHaveText(lengthBefore ?? '');
  await expect(page.getByRole('article')).toHaveCount(3);

  // Reset: back to the seed, an empty stream.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: /Reset demo/ }).click();
  await expect(dashboard.stat(stream, 'Length')).toHaveText('0');
  await expect(page.getByRole('article')).toHaveCount(3);
  // What the panels said about the deleted stream went with it, on this page and the other.
  await expect(dashboard.replay.getByRole('row')).toHaveCount(0);
  await expect(dashboard.produce.getByText(/^Produced/)).toHaveCount(0);
  await expect(otherProduce.getByText(/^Produced/)).toHaveCount(0);
  await other.close();
});
