import { expect, test } from '../fixtures/test.js';

test('a reset clears what the page showed of the deleted stream', async ({ dashboard, page }) => {
  await expect(dashboard.connection).toHaveText('connected');
  const target = dashboard.pending.getByLabel('Target consumer');
  // With nothing pending the default is the first healthy consumer.
  await expect(target).toHaveValue('analytics/worker-c');
  await target.selectOption('notifications/worker-b');

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Reset demo' }).click();
  await expect(page.getByRole('region', { name: 'Last result' })).toContainText('reset');

  // The target pick goes back to the default, as the rest of the page does.
  await expect(target).toHaveValue('analytics/worker-c');
});
