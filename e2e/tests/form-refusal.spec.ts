import { expect, test } from '../fixtures/test.js';

test('a form the browser refuses to send says why under it, in place of the answer to the attempt before', async ({
  dashboard,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { produce, replay, retention } = dashboard;

  await dashboard.produceEvents(10);
  await expect(produce.getByText(/^Produced 10/)).toBeVisible();
  // The answer says when it came, so the same answer to a second click reads as that click's.
  await expect(produce.locator('.action-ok time')).toHaveText(/^ · \d{2}:\d{2}:\d{2}$/);
  // 0 is below the field's min: the browser does not send it, and "Produced 10" is not this attempt's answer.
  await dashboard.produceEvents(0);
  await expect(produce.getByRole('alert')).toHaveText(
    /Number of events: Value must be greater than or equal to 1\./,
  );
  await expect(produce.getByText(/^Produced/)).toHaveCount(0);
  // Refused before anything went out: no time of an answer.
  await expect(produce.getByRole('alert').locator('time')).toHaveCount(0);
  // The field is where focus goes, to be corrected (the browser's bubble, a second message, is not shown), and it
  // says it holds the refused value, described by the reason.
  await expect(produce.getByLabel('Number of events')).toBeFocused();
  await expect(produce.getByLabel('Number of events')).toHaveAttribute('aria-invalid', 'true');
  await expect(produce.getByLabel('Number of events')).toHaveAccessibleDescription(
    'Number of events: Value must be greater than or equal to 1.',
  );
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('10');
  // Corrected, it goes, and the answer is this attempt's.
  await dashboard.produceEvents(2);
  await expect(produce.getByText(/^Produced 2,/)).toBeVisible();
  await expect(produce.getByRole('alert')).toHaveCount(0);
  await expect(produce.getByLabel('Number of events')).not.toHaveAttribute('aria-invalid');

  // Replay's results stay, said to be the earlier replay's: a bad value changes nothing but what is said of it.
  await replay.getByRole('button', { name: 'Replay' }).click();
  await expect(replay.getByRole('row')).toHaveCount(13);
  await expect(replay.getByText(/^12 entries from - to \+/)).toBeVisible();
  await replay.getByLabel('Limit').fill('501');
  await replay.getByRole('button', { name: 'Replay' }).click();
  await expect(replay.getByRole('alert')).toHaveText(/Limit: Value must be less than or equal to 500\./);
  await expect(replay.getByText(/^12 entries from/)).toHaveCount(0);
  await expect(replay.getByText('Still showing the earlier replay: 12 entries from - to +')).toBeVisible();
  await expect(replay.getByRole('row')).toHaveCount(13);

  // The refused field is marked until it is edited; the reason stays said until the next attempt.
  const limit = replay.getByLabel('Limit');
  const start = replay.getByLabel('Start');
  const end = replay.getByLabel('End');
  await expect(limit).toHaveAttribute('aria-invalid', 'true');
  await expect(limit).toHaveAccessibleDescription('Limit: Value must be less than or equal to 500.');
  await expect(start).not.toHaveAttribute('aria-invalid');
  await limit.fill('50');
  await expect(limit).not.toHaveAttribute('aria-invalid');
  await expect(limit).not.toHaveAttribute('aria-describedby');
  await expect(replay.getByRole('alert')).toHaveText(/Limit: Value must be less than or equal to 500\./);

  // A value the command's schema refuses (the browser has no rule for an ID) marks its field the same way, named by
  // its label too, not by the command's argument, and editing another field leaves it marked.
  await start.fill('yesterday');
  await replay.getByRole('button', { name: 'Replay' }).click();
  await expect(replay.getByRole('alert')).toContainText('Start: must be');
  await expect(start).toHaveAttribute('aria-invalid', 'true');
  await expect(start).toHaveAccessibleDescription(/^Start: must be/);
  await end.fill('+');
  await expect(start).toHaveAttribute('aria-invalid', 'true');
  await expect(end).not.toHaveAttribute('aria-invalid');
  // Corrected and replayed, nothing is marked.
  await start.fill('-');
  await replay.getByRole('button', { name: 'Replay' }).click();
  await expect(replay.getByText(/^12 entries from - to \+/)).toBeVisible();
  await expect(replay.getByRole('alert')).toHaveCount(0);
  for (const field of [start, end, limit]) await expect(field).not.toHaveAttribute('aria-invalid');

  // A blank field is the browser's to refuse too, named by its label rather than by the command's argument.
  await retention.getByLabel('Older than (ms)').fill('');
  await retention.getByRole('button', { name: 'Trim by age' }).click();
  await expect(retention.getByRole('alert')).toHaveText(
    /^⚠ Older than \(ms\): Please fill out this field\.$/,
  );
  await expect(retention.getByLabel('Older than (ms)')).toHaveAttribute('aria-invalid', 'true');
});
