import { execFileSync } from 'node:child_process';
import { expect, test } from '../fixtures/test.js';

test('a replay of entries too large to send at once stops short, says so, and goes on from there', async ({
  dashboard,
  redis,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  // Another application's entries: 30 of 300,000 characters each, about 9 MB, appended by a script so that no
  // command line has to carry them.
  execFileSync('redis-cli', [
    '-u',
    redis.url,
    'EVAL',
    "for i = 1, 30 do redis.call('XADD', KEYS[1], '*', 'type', 'report.generated', 'n', i, 'body', string.rep('x', 300000)) end",
    '1',
    streamscope.streamKey,
  ]);
  const { replay } = dashboard;
  await replay.getByLabel('Limit').fill('50');
  await replay.getByRole('button', { name: 'Replay', exact: true }).click();
  await expect(replay.getByText(/stopped short at about 4 MB of entry data/)).toBeVisible();
  const firstCount = Number((await replay.locator('.action-ok strong').first().textContent()) ?? '0');
  expect(firstCount).toBeGreaterThan(0);
  expect(firstCount).toBeLessThan(30);

  await replay.getByRole('button', { name: /^Replay on from \d+-\d+$/ }).click();
  await expect(replay.getByLabel('Start')).toHaveValue(/^\d+-\d+$/);
  await expect(replay.getByText(/^\d+ entries from \d+-\d+ to \+/)).toBeVisible();
});
