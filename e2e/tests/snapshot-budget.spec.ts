import { runRedisScript } from '../fixtures/redis-script.js';
import { expect, test } from '../fixtures/test.js';

test('newest entries and dead letters too large to push four times a second are shown in part, saying so, the rest on request', async ({
  dashboard,
  redis,
  streamscope,
}) => {
  // Another application's: 50 letters of 1 MB and 5 entries of 2 MB, appended by a script so that no command line
  // carries them.
  runRedisScript(
    redis,
    `for i = 1, 5 do redis.call('XADD', KEYS[1], '*', 'type', 'report.generated', 'body', string.rep('e', 2097152)) end
    for i = 1, 50 do
      redis.call('XADD', KEYS[2], '*', 'dlq_original_id', '1-' .. i, 'dlq_group', 'analytics', 'dlq_consumer',
        'worker-a', 'dlq_delivery_count', '5', 'dlq_reason', 'handler failed', 'dlq_ts_ms', '1', 'type',
        'report.generated', 'body', string.rep('v', 1048576))
    end`,
    [streamscope.streamKey, `${streamscope.streamKey}:dlq`],
  );
  await expect(dashboard.connection).toHaveText('connected');
  const { deadLetters } = dashboard;
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('50');
  const rows = deadLetters.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('[shortened: 1 value cut at 1,000 characters');
  await expect(
    deadLetters.getByText(
      /Showing the newest 1 of 50\. The live list stops at 1: the next letters are large, and a snapshot reads about 1 MB of letters and sends about 256 KB\./,
    ),
  ).toBeVisible();
  await expect(
    dashboard.tail.getByText(
      /The next \d+ of the newest 10 are left out: the entries shown \(or the first left out\) are large/,
    ),
  ).toBeVisible();

  // The rest are a page away, from the last one shown; the note goes once they are.
  await deadLetters.getByRole('button', { name: 'Show 100 older' }).click();
  await expect(rows).toHaveCount(50);
  await expect(deadLetters.getByText(/The live list stops at/)).toBeHidden();

  // Acting on the one shown goes by its whole ID: Requeue puts it back, and the next letter takes its place live.
  await rows
    .first()
    .getByRole('button', { name: /^Requeue 1-50 / })
    .click();
  await expect(deadLetters.getByText(/^Requeued 1-50 as/)).toBeVisible();
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('49');
});
