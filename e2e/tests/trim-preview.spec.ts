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
