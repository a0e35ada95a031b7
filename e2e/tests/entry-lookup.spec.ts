import { expect, test } from '../fixtures/test.js';

test('an entry found by its ID shows where it stands in every group, and follows it as it is claimed', async ({
  dashboard,
  page,
  streamscope,
}) => {
  // The page's own WebSocket requests for an entry's history: opening a timeline asks once, not on every snapshot.
  let historyAsked = 0;
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      if (String(payload).includes('"entry.history"')) historyAsked += 1;
    }),
  );
  await expect(dashboard.connection).toHaveText('connected');
  const { stream, pending, timeline } = dashboard;
  const lookup = stream.getByLabel('Entry ID');
  const find = stream.getByRole('button', { name: 'Find entry' });

  // A malformed ID is refused beside the field, and opens nothing.
  await lookup.fill('yesterday');
  await find.click();
  await expect(stream.getByRole('alert')).toContainText('id: must be a stream ID');
  await expect(lookup).toHaveAttribute('aria-invalid', 'true');
  await expect(timeline).toHaveCount(0);

  await dashboard.dropThreeOnWorkerA();
  const claim = pending.getByRole('button', { name: /^Claim: .* of notifications for worker-b$/ }).first();
  const id = ((await claim.getAttribute('aria-label')) ?? '').replace(/^Claim: (\S+) .*$/, '$1');
  // As pasted from a log line, with spaces around it.
  await lookup.fill(` ${id} `);
  await find.click();
  await expect(timeline.getByRole('heading', { name: `Timeline of ${id}` })).toBeVisible();
  await expect(timeline.getByText(/^Pending now at worker-a: idle .*, delivered once/)).toBeVisible();
  await expect(timeline.getByText(/^Not pending here now/)).toHaveCount(1);
  await expect(timeline.getByText(/was read from Redis at/)).toBeVisible();
  await expect(stream.getByRole('alert')).toHaveCount(0);
  // Pending, its idle time new in each of the snapshots of two seconds: where it stands is not asked again.
  const asked = historyAsked;
  await page.waitForTimeout(2_000);
  expect(historyAsked - asked).toBe(0);

  // Claimed elsewhere (another tab, a script): the claim's steps arrive live, and where it stands is read again.
  const claimed = await page.request.post(`${streamscope.url}/api/pending/claim`, {
    data: { group: 'notifications', id, consumer: 'worker-b' },
  });
  expect(claimed.ok()).toBe(true);
  await expect(timeline.getByText(/^claimed by worker-b \(attempt 2\)/)).toBeVisible();
  await expect(timeline.getByText(/^Not pending here now/)).toHaveCount(2);
  await expect(timeline.getByText(/^Pending now at/)).toHaveCount(0);
});
