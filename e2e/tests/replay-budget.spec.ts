import { runRedisScript } from '../fixtures/redis-script.js';
import { expect, test } from '../fixtures/test.js';

test('a replay of entries too large to send at once stops short, says so, and goes on from there', async ({
  dashboard,
  redis,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  // Another application's entries: 30 of 300,000 characters each, about 9 MB, appended by a script so that no
  // command line has to carry them.
  runRedisScript(
    redis,
    "for i = 1, 30 do redis.call('XADD', KEYS[1], '*', 'type', 'report.generated', 'n', i, 'body', string.rep('x', 300000)) end",
    [streamscope.streamKey],
  );
  const { replay } = dashboard;
  await replay.getByLabel('Limit').fill('50');
  await replay.getByRole('button', { name: 'Replay', exact: true }).click();
  await expect(replay.getByText(/stopped short at about 4 MB of entry data/)).toBeVisible();
  const firstCount = Number((await replay.locator('.action-ok strong').first().textContent()) ?? '0');
  expect(firstCount).toBeGreaterThan(0);
  expect(firstCount).toBeLessThan(30);

  // One entry's timeline shows the start of its 300,000-character field, the rest on request.
  await replay
    .getByRole('table')
    .getByRole('button', { name: /^\d+-\d+/ })
    .first()
    .click();
  const showAll = dashboard.timeline.getByRole('button', { name: 'Show all of body, 300,000 characters' });
  await expect(showAll).toBeVisible();
  await showAll.click();
  await expect(showAll).toHaveCount(0);
  await dashboard.page.keyboard.press('Escape');

  await replay.getByRole('button', { name: /^Replay on from \d+-\d+$/ }).click();
  await expect(replay.getByLabel('Start')).toHaveValue(/^\d+-\d+$/);
  await expect(replay.getByText(/^\d+ entries from \d+-\d+ to \+/)).toBeVisible();
});

test('a page of dead letters too large to send at once stops short, says so and why, and goes on from there', async ({
  dashboard,
  redis,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { deadLetters } = dashboard;
  // Another application's letters: 45 of 150 fields of 1,200 characters (about 100,000 characters each as the page
  // is sent it), then the 50 small ones the panel shows live, written by a script so no command line carries them.
  runRedisScript(
    redis,
    `local meta = { 'dlq_original_id', '1-1', 'dlq_group', 'billing', 'dlq_consumer', 'worker-a',
      'dlq_delivery_count', '5', 'dlq_reason', 'handler failed', 'dlq_ts_ms', '1' }
    local wide = { unpack(meta) }
    for f = 1, 150 do wide[#wide + 1] = 'f' .. f; wide[#wide + 1] = string.rep('x', 1200) end
    for i = 1, 45 do redis.call('XADD', KEYS[1], '*', unpack(wide)) end
    meta[#meta + 1] = 'type'; meta[#meta + 1] = 'small'
    for i = 1, 50 do redis.call('XADD', KEYS[1], '*', unpack(meta)) end`,
    [`${streamscope.streamKey}:dlq`],
  );
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('95');
  const rows = deadLetters.locator('tbody tr');
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText('billing');

  await deadLetters.getByRole('button', { name: 'Show 100 older' }).click();
  await expect(
    deadLetters.getByText(/The last page stopped at \d+ of 100 letters, at about 4 MB of letter data/),
  ).toBeVisible();
  const shown = await rows.count();
  expect(shown).toBeGreaterThan(50);
  expect(shown).toBeLessThan(95);
  await expect(rows.last()).toContainText(
    '[shortened: 100 values cut at 1,000 characters, 50 more fields; Requeue writes its fields back whole]',
  );

  await deadLetters.getByRole('button', { name: /^Show on from \d+-\d+$/ }).click();
  await expect(rows).toHaveCount(95);
  await expect(deadLetters.getByText(/The last page stopped/)).toBeHidden();
});
