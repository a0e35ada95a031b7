import { expect, test } from '../fixtures/test.js';

test('the trim preview follows the stream as entries are produced, without an edit', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const preview = dashboard.retention.getByText(/^MAXLEN 100: /);
  await expect(preview).toContainText('would remove nothing');
  await expect(preview).toContainText(/As of \d{1,2}:\d{2}:\d{2}/);

  await dashboard.produceEvents(150);
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('150');
  // Asked again by itself (at most once a second) once the snapshot shows the stream grew.
  await expect(preview).toContainText(/would remove 50 entries/);
});

test('a value the preview cannot take is named by its field, as the trim names it', async ({ dashboard }) => {
  await expect(dashboard.connection).toHaveText('connected');
  // Not a number a trim takes: the preview says it has none, rather than vanish.
  await dashboard.retention.getByLabel(/^MAXLEN/).fill('-1');
  await expect(
    dashboard.retention.getByText('No preview: it takes a whole number, 0 or more.'),
  ).toBeVisible();
  await dashboard.retention.getByLabel(/^MAXLEN/).fill('99999999999');
  await expect(dashboard.retention.getByText('MAXLEN: must be at most 1,000,000,000')).toBeVisible();
  // Cleared, the field holds nothing to preview: said so, the refusal of the number before it gone.
  await dashboard.retention.getByLabel(/^MAXLEN/).fill('');
  await expect(
    dashboard.retention.getByText('No preview: it takes a whole number, 0 or more.'),
  ).toBeVisible();
  await expect(dashboard.retention.getByText('MAXLEN: must be at most 1,000,000,000')).toHaveCount(0);
  await dashboard.retention.getByLabel('Older than (ms)').fill('999999999999');
  await expect(
    dashboard.retention.getByText('Older than (ms): must be at most 315,360,000,000'),
  ).toBeVisible();
  // Sent all the same, the trim is refused in the same words, with no "anyway?" asked first.
  let asked = false;
  dashboard.page.on('dialog', (dialog) => {
    asked = true;
    void dialog.dismiss();
  });
  await dashboard.retention.getByLabel('Older than (ms)').fill('1e20');
  await dashboard.retention.getByRole('button', { name: 'Trim by age' }).click();
  // Under the preview, and now under the trim's button too.
  await expect(dashboard.retention.getByText('Older than (ms): must be at most 315,360,000,000')).toHaveCount(
    2,
  );
  expect(asked).toBe(false);
  await dashboard.retention.getByLabel('Keep at most (ms)').fill('999999999999');
  await expect(
    dashboard.retention.getByText('Keep at most (ms): must be at most 315,360,000,000'),
  ).toBeVisible();
});

test('a preview by age follows the clock while the stream stands still', async ({ dashboard }) => {
  await expect(dashboard.connection).toHaveText('connected');
  await dashboard.produceEvents(10);
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('10');
  await dashboard.retention.getByLabel('Older than (ms)').fill('4000');
  const preview = dashboard.retention.getByText(/^older than 4 s: /);
  await expect(preview).toContainText('would remove nothing');
  // Nothing changes that a snapshot shows once both groups have read them: the entries only grow older.
  await expect(preview).toContainText('would remove 10 entries', { timeout: 15_000 });
});

test('after a trim the preview is asked again at once, though the stream then stands still', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  dashboard.page.on('dialog', (dialog) => void dialog.accept());
  await dashboard.produceEvents(150);
  const preview = dashboard.retention.getByText(/^MAXLEN 100: /);
  await expect(preview).toContainText(/would remove 50 entries/);
  // MAXLEN ~ frees only whole macro-nodes (100 entries each): it removes nothing, and nothing changes to ask again.
  await dashboard.retention.getByRole('button', { name: 'XTRIM' }).click();
  await expect(dashboard.retention.getByText(/^Deleted 0/)).toBeVisible();
  await expect(preview).toContainText(/would remove 50 entries/);
});
