import { Dashboard } from '../fixtures/dashboard.js';
import { expect, test } from '../fixtures/test.js';

const ENTRY_ID = /^\d+-\d+$/;

test('a reset clears what the page showed of the deleted stream, here and on another page, and marks the charts', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const target = dashboard.pending.getByLabel('Target consumer');
  // With nothing pending the default is the first healthy consumer.
  await expect(target).toHaveValue('analytics/worker-c');
  await target.selectOption('notifications/worker-b');

  const feed = page.getByRole('region', { name: 'Live events' });
  const liveTail = page.getByRole('region', { name: 'Live tail' });
  const other = await page.context().newPage();
  await other.goto(page.url());
  const otherFeed = other.getByRole('region', { name: 'Live events' });
  // Connected before anything is produced, and its feed on screen: events are pushed once, never replayed,
  // and a list out of view keeps what it showed last.
  await expect(new Dashboard(other).connection).toHaveText('connected');
  await otherFeed.scrollIntoViewIfNeeded();

  await dashboard.produceEvents(10);
  await liveTail.scrollIntoViewIfNeeded();
  await expect(liveTail.getByRole('button', { name: ENTRY_ID })).toHaveCount(10);
  // Frozen, its line says the rows are those of the moment it was pressed, not the newest.
  const freezeTail = liveTail.getByRole('button', { name: 'Freeze tail' });
  await freezeTail.click();
  await expect(
    liveTail.getByText(/^Frozen: the entries as they stood when Freeze tail was pressed/),
  ).toBeVisible();
  await freezeTail.click();
  await expect(liveTail.getByText(/^The newest 50 entries written since/)).toBeVisible();
  await feed.scrollIntoViewIfNeeded();
  await expect(feed.getByText('acked').first()).toBeVisible();
  await expect(otherFeed.getByText('acked').first()).toBeVisible();
  // Held still to read, as before a reset one might.
  await feed.getByRole('button', { name: 'Freeze feed' }).click();
  await liveTail.getByRole('button', { name: ENTRY_ID }).first().click();
  await expect(dashboard.timeline).toContainText('acked');

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Reset demo' }).click();
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('0');
  // Said by the button, not only in Last result at the page's foot.
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: /^Reset at \d{1,2}:\d{2}:\d{2}: 2 groups and 3 consumers seeded again$/ }),
  ).toBeVisible();

  // The target pick goes back to the default, as the rest of the page does.
  await expect(target).toHaveValue('analytics/worker-c');
  // The live lists are emptied, unfrozen, and say since when they count (scrolled to: out of view, a list
  // keeps what it showed last).
  await feed.scrollIntoViewIfNeeded();
  await expect(feed.getByText('No lifecycle events since the stream was reset.')).toBeVisible();
  await expect(feed.getByRole('button', { name: 'Freeze feed' })).toHaveAttribute('aria-pressed', 'false');
  await liveTail.scrollIntoViewIfNeeded();
  await expect(liveTail.getByText('No new entries since the stream was reset.')).toBeVisible();
  // The open timeline says its entry went with the stream, rather than show steps of nothing.
  await expect(dashboard.timeline).toContainText('The stream was reset while this was open');
  await expect(dashboard.timeline.getByText('acked')).toHaveCount(0);
  await dashboard.timeline.getByRole('button', { name: 'Close timeline' }).click();
  // The page that learnt of it from the snapshots forgot them too.
  await otherFeed.scrollIntoViewIfNeeded();
  await expect(otherFeed.getByText('No lifecycle events since the stream was reset.')).toBeVisible();

  // The charts keep their minutes, with a line where the reset happened.
  const throughput = page.locator('.chart', { hasText: 'Throughput' });
  await throughput.scrollIntoViewIfNeeded();
  await expect(throughput.locator('.recharts-reference-line')).toHaveCount(1);
  await expect(throughput).toContainText('reset');

  // What comes next is the new stream's only.
  await dashboard.produceEvents(3);
  await liveTail.scrollIntoViewIfNeeded();
  await expect(liveTail.getByRole('button', { name: ENTRY_ID })).toHaveCount(3);
  await feed.scrollIntoViewIfNeeded();
  await expect(feed.getByText('produced', { exact: true })).toHaveCount(3);
  await expect(new Dashboard(other).stat(new Dashboard(other).stream, 'Length')).toHaveText('3');
  await other.close();
});
