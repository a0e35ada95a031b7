import { expect, test } from '../fixtures/test.js';

// Three deliveries dead-letter, the auto-reaper claims every 300 ms once on, and a group alerts past 2 pending:
// small enough that a person watching sees each step within seconds.
test.use({ serverArgs: ['--max-deliveries', '3', '--reap-interval-ms', '300', '--alert-pending', '2'] });

test('a poison pill reaches the dead-letter stream while the rest flows; requeue, discard, alerts, preview, live tail', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  // The trim preview is there before anyone trims.
  await expect(dashboard.retention.getByText(/^MAXLEN 100: would remove/)).toBeVisible();
  const deadLetters = page.getByRole('region', { name: /^Dead letters/ });
  const liveTail = page.getByRole('region', { name: /^Live tail/ });
  const groups = ['notifications', 'analytics'];

  // The poison pill: its handler always fails, so only claims move it on, each one a delivery more.
  await deadLetters.getByRole('button', { name: 'Inject poison pill' }).click();
  const injected = deadLetters.getByText(/^Injected/);
  await expect(injected).toBeVisible();
  const poisonId = (await injected.getByRole('button').textContent()) ?? '';
  expect(poisonId).toMatch(/^\d+-\d+$/);
  await expect(liveTail.getByRole('button', { name: poisonId, exact: true })).toBeVisible();

  for (const group of groups) await page.getByLabel(`Auto-reap ${group}`).check();
  await dashboard.produceEvents(10);

  // Each group dead-letters it on its third delivery; the ten others are acked by both groups meanwhile.
  const letters = deadLetters.getByRole('row').filter({ has: page.getByRole('button', { name: poisonId }) });
  await expect(letters).toHaveCount(2, { timeout: 20_000 });
  await expect(letters.first()).toContainText('3');
  // A letter shows what it carries, and why: the handler's own failure.
  await expect(letters.first()).toContainText(/order_id=/);
  await expect(letters.first()).toContainText('poison pill: this handler always fails');
  await expect(injected).toContainText(
    'it landed here from analytics after 3 deliveries and notifications after 3 deliveries.',
  );
  // Each group that parked it wears an alert for a minute, so the header no longer says all is well.
  for (const group of groups)
    await expect(dashboard.group(group).getByText('1 dead-lettered', { exact: true })).toBeVisible();
  await expect(page.getByRole('banner').getByText('No alerts')).toHaveCount(0);
  // The live feed's "Trouble only" leaves the acked entries out and keeps the pill's failures and letters.
  const feed = page.getByRole('region', { name: 'Live events' });
  await feed.getByLabel('Events shown').selectOption('Trouble only');
  await expect(feed.getByRole('listitem').filter({ hasText: 'dead-lettered' })).toHaveCount(2);
  await expect(
    feed.getByRole('listitem').filter({ has: page.getByText('acked', { exact: true }) }),
  ).toHaveCount(0);
  // "All but produced" keeps the groups' work and leaves out what the newest-entries table shows.
  await feed.getByLabel('Events shown').selectOption('All but produced');
  await expect(
    feed
      .getByRole('listitem')
      .filter({ has: page.getByText('acked', { exact: true }) })
      .first(),
  ).toBeVisible();
  await expect(
    feed.getByRole('listitem').filter({ has: page.getByText('produced', { exact: true }) }),
  ).toHaveCount(0);
  await feed.getByLabel('Events shown').selectOption('All events');
  // On a 1280 px laptop window the row's buttons are there without scrolling the table sideways.
  await page.setViewportSize({ width: 1280, height: 800 });
  const overflow = (element: HTMLElement) => element.scrollWidth - element.clientWidth;
  await expect.poll(() => deadLetters.locator('.table-wrap').evaluate(overflow)).toBeLessThanOrEqual(0);
  // Zoomed to 200% on a 1024 px window (512 CSS px), the page reflows: nothing pushes it sideways.
  await page.setViewportSize({ width: 512, height: 800 });
  await expect.poll(() => page.locator('html').evaluate(overflow)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1440, height: 1000 });
  for (const group of groups) {
    await expect(dashboard.stat(dashboard.group(group), 'Dead-lettered')).toHaveText('1');
    await expect(dashboard.stat(dashboard.group(group), 'Pending')).toHaveText('0');
    await expect(dashboard.stat(dashboard.group(group), 'Entries read')).toHaveText('11');
  }
  await expect(dashboard.stat(dashboard.stream, 'Acked')).toHaveText('20');

  const metrics = await (await page.request.get(`${streamscope.url}/metrics`)).text();
  expect(metrics).toMatch(/streamscope_dead_lettered_total\{group="notifications"\} 1/);
  expect(metrics).toMatch(/streamscope_dead_lettered_total\{group="analytics"\} 1/);

  // Found by its ID, its timeline says where it is now in each group: in the dead letters, and why.
  await dashboard.stream.getByLabel('Entry ID').fill(poisonId);
  await dashboard.stream.getByRole('button', { name: 'Find entry' }).click();
  const lettered = dashboard.timeline.getByText(
    /^In the dead letters as \d+-\d+, from worker-\w at delivery 3:/,
  );
  await expect(lettered).toHaveCount(2);
  await expect(lettered.first()).toContainText('poison pill: this handler always fails');
  await page.keyboard.press('Escape');
  await expect(dashboard.timeline).toHaveCount(0);

  // With the reaper off, a requeued pill is delivered once more, fails, and stays pending.
  for (const group of groups) await page.getByLabel(`Auto-reap ${group}`).uncheck();
  await letters
    .first()
    .getByRole('button', { name: `Discard ${poisonId}` })
    .click();
  await expect(deadLetters.getByText(/^Discarded/)).toBeVisible();
  // Its row is gone: focus waits on the line that says what happened, not at the top of the page.
  await expect(deadLetters.locator('.dlq-feedback')).toBeFocused();
  await expect(letters).toHaveCount(1);
  await letters.getByRole('button', { name: `Requeue ${poisonId}` }).click();
  // The other group's letter is gone: the page cannot tell it had dead-lettered the pill too, and the server finds no
  // guard that knows it processed, so that group handles the copy as well.
  await expect(
    deadLetters.getByText(
      /^Requeued \d+-\d+ as \d+-\d+ to every group; (notifications|analytics), which had dead-lettered it, handles it again; no group's once-per-ID guard knows it as processed, so every other group handles the copy too$/,
    ),
  ).toBeVisible();
  await expect(letters).toHaveCount(0);
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('0');
  // Its letters gone, the injector still says where the pill it injected had landed.
  await expect(injected).toContainText('it landed here from analytics after 3 deliveries and');
  await expect(dashboard.stat(dashboard.group('analytics'), 'Pending')).toHaveText('1');
  // The pill's timeline names the copy it was put back as, a link to the copy's own, which names it back.
  const answer = await deadLetters.getByText(/^Requeued \d+-\d+ as \d+-\d+/).textContent();
  const copyId = / as (\d+-\d+)/.exec(answer ?? '')?.[1] ?? 'no copy';
  await dashboard.stream.getByLabel('Entry ID, or field=value').fill(poisonId);
  await dashboard.stream.getByRole('button', { name: 'Find entry' }).click();
  await expect(
    dashboard.timeline.getByText('put back on the stream from the dead-letter stream as'),
  ).toBeVisible();
  await dashboard.timeline.getByRole('button', { name: copyId, exact: true }).click();
  await expect(dashboard.timeline).toContainText(`Timeline of ${copyId}`);
  await expect(dashboard.timeline.getByRole('button', { name: poisonId, exact: true })).toBeVisible();
  await dashboard.page.keyboard.press('Escape');

  // Past the pending threshold the group wears a badge.
  const analytics = dashboard.group('analytics');
  await expect(analytics.getByText('pending over 2')).toHaveCount(0);
  await dashboard
    .consumer('analytics', 'worker-c')
    .getByRole('button', { name: 'Crash next 3 on worker-c' })
    .click();
  await dashboard.produceEvents(3);
  await expect(dashboard.stat(analytics, 'Pending')).toHaveText('4');
  await expect(analytics.getByText('pending over 2').first()).toBeVisible();
  // The header gathers every alert; Escape closes its list, and a line leads to the group it is about.
  const alertCount = page.getByText(/^\d+ alerts?$/);
  const alertList = page.getByRole('list', { name: 'Alerts' });
  await alertCount.click();
  await expect(alertList.getByRole('button', { name: 'analytics pending over 2' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(alertList).toBeHidden();
  await alertCount.click();
  await alertList.getByRole('button', { name: 'analytics pending over 2' }).click();
  await expect(alertList).toBeHidden();
  await expect(analytics.getByRole('heading', { name: 'analytics' })).toBeFocused();

  // Before trimming everything, the preview says what would go from under each group.
  await dashboard.retention.getByLabel(/^MAXLEN/).fill('0');
  await expect(
    dashboard.retention.getByText(/would remove \d+ entries; .*analytics: 4 pending/),
  ).toBeVisible();
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('15');
  // So does the standing policy, as its age is typed (how much it takes depends on the entries' ages).
  await dashboard.retention.getByLabel('Keep at most (ms)').fill('1000');
  await expect(
    dashboard.retention.getByText(
      /a policy keeping at most 1(\.0)? s: would remove \d+ entries; analytics: /,
    ),
  ).toBeVisible();

  // Back under the reaper the requeued pill is lettered again. "Requeue all" (asked first, from the keyboard
  // here) puts every letter the page has shown back in one step; still poison, it is lettered once more.
  await page.getByLabel('Auto-reap analytics').check();
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('1', { timeout: 20_000 });
  const total = Number(await dashboard.stat(deadLetters, 'Dead-lettered').textContent());
  page.once('dialog', (dialog) => void dialog.accept());
  await deadLetters.getByRole('button', { name: 'Requeue all dead letters' }).press('Enter');
  await expect(deadLetters.getByText('Requeued 1 dead letter to every group', { exact: true })).toBeVisible();
  await expect(deadLetters.locator('.dlq-feedback')).toBeFocused();
  await expect(dashboard.stat(deadLetters, 'Dead-lettered')).toHaveText(String(total + 1), {
    timeout: 20_000,
  });
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('1');
  // "Discard all" (asked first) takes every letter the page has shown in one step, where a poison storm's
  // hundreds were a click each.
  page.once('dialog', (dialog) => void dialog.accept());
  await deadLetters.getByRole('button', { name: 'Discard all dead letters' }).click();
  await expect(deadLetters.getByText(/^Discarded 1 dead letter for good/)).toBeVisible();
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('0');
});

test('a poison pill trimmed away before any group read it is said never to land in the dead letters', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  // Every consumer paused: nobody reads the pill before the trim, as under a load the groups lag behind.
  for (const [group, name] of [
    ['notifications', 'worker-a'],
    ['notifications', 'worker-b'],
    ['analytics', 'worker-c'],
  ] as const) {
    const consumer = dashboard.consumer(group, name);
    await consumer.getByRole('button', { name: `Pause ${name}` }).click();
    await expect(consumer.getByText('paused', { exact: true })).toBeVisible();
  }
  const deadLetters = page.getByRole('region', { name: /^Dead letters/ });
  await deadLetters.getByRole('button', { name: 'Inject poison pill' }).click();
  const injected = deadLetters.getByText(/^Injected/);
  await expect(injected).toContainText('redelivers it until it lands here');
  await dashboard.retention.getByLabel('Exact trim (without ~)').check();
  await dashboard.retention.getByLabel(/^MAXLEN/).fill('0');
  // Pressed at once, before the preview below the field has caught up: the page asks first, what it would take
  // from each group being what the server says now, and a No changes nothing.
  const asked: string[] = [];
  page.once('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  await dashboard.retention.getByRole('button', { name: 'XTRIM' }).click();
  await expect.poll(() => asked).toHaveLength(1);
  expect(asked[0]).toMatch(
    /^XTRIM MAXLEN = 0: would remove 1 entry; analytics: 0 pending, 1 unread; notifications: 0 pending, 1 unread\./,
  );
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('1');
  page.once('dialog', (dialog) => void dialog.accept());
  await dashboard.retention.getByRole('button', { name: 'XTRIM' }).click();
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('0');
  await expect(injected).toContainText(
    'trimmed from the stream before any group read it, so it will never be delivered',
  );
});

test('a poison pill every group dead-lettered, requeued, is said to be handled again by each, not acked as a duplicate', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const deadLetters = page.getByRole('region', { name: /^Dead letters/ });
  await deadLetters.getByRole('button', { name: 'Inject poison pill' }).click();
  const injected = deadLetters.getByText(/^Injected/);
  const poisonId = (await injected.getByRole('button').textContent()) ?? '';
  for (const group of ['notifications', 'analytics']) await page.getByLabel(`Auto-reap ${group}`).check();
  const letters = deadLetters.getByRole('row').filter({ has: page.getByRole('button', { name: poisonId }) });
  await expect(letters).toHaveCount(2, { timeout: 20_000 });
  await letters
    .first()
    .getByRole('button', { name: `Requeue ${poisonId}` })
    .click();
  await expect(
    deadLetters.getByText(
      /^Requeued \d+-\d+ as \d+-\d+ to every group; each had dead-lettered it, so each handles it again; its other letter \(another group’s\) left the dead letters with it$/,
    ),
  ).toBeVisible();
});

test('entries trimmed while pending are dead-lettered as trimmed, with nothing to requeue', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const workerC = dashboard.consumer('analytics', 'worker-c');
  await workerC.getByRole('button', { name: 'Crash next 3 on worker-c' }).click();
  await dashboard.produceEvents(3);
  const analytics = dashboard.group('analytics');
  await expect(dashboard.stat(analytics, 'Pending')).toHaveText('3');
  await dashboard.retention.getByLabel('Exact trim (without ~)').check();
  await dashboard.retention.getByLabel(/^MAXLEN/).fill('0');
  page.once('dialog', (dialog) => void dialog.accept());
  await dashboard.retention.getByRole('button', { name: 'XTRIM' }).click();
  await expect(dashboard.stat(dashboard.stream, 'Length')).toHaveText('0');

  const { pending } = dashboard;
  await pending.scrollIntoViewIfNeeded();
  await expect(pending.getByText('claimable')).toHaveCount(3, { timeout: 10_000 });
  await pending.getByLabel('Target consumer').selectOption('analytics/worker-c');
  await pending.getByRole('button', { name: 'XAUTOCLAIM to selected' }).click();
  await expect(pending).toContainText(/deleted 3 trimmed while pending \(.*\), dead-lettered as trimmed/);

  const deadLetters = page.getByRole('region', { name: /^Dead letters/ });
  await expect(dashboard.stat(deadLetters, 'Length')).toHaveText('3');
  // Each has nothing to put back, so neither has all of them: "Requeue all" promised three, and requeued none.
  await expect(deadLetters.getByRole('button', { name: /^Requeue \d+-\d+/ })).toHaveCount(3);
  for (const requeue of await deadLetters.getByRole('button', { name: /^Requeue \d+-\d+/ }).all()) {
    await expect(requeue).toBeDisabled();
  }
  await expect(deadLetters.getByRole('button', { name: 'Requeue all dead letters' })).toBeDisabled();
  await expect(deadLetters.getByRole('button', { name: 'Discard all dead letters' })).toBeEnabled();
});
