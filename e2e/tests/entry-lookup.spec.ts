import { execFileSync } from 'node:child_process';
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
  const { stream, timeline } = dashboard;
  const lookup = stream.getByLabel('Entry ID, or field=value');
  const find = stream.getByRole('button', { name: 'Find entry' });

  // A malformed ID is refused beside the field, saying the field searches field=value too, and opens nothing.
  await lookup.fill('yesterday');
  await find.click();
  await expect(stream.getByRole('alert')).toContainText(
    'Entry ID, or field=value: must be a stream ID like 1716998413541-0, or field=value to search the entries (order_id=o-1234)',
  );
  await expect(lookup).toHaveAttribute('aria-invalid', 'true');
  await expect(timeline).toHaveCount(0);

  const id = await dashboard.claimableIdOnWorkerA();
  // As pasted from a log line, with spaces around it.
  await lookup.fill(` ${id} `);
  await find.click();
  await expect(timeline.getByRole('heading', { name: `Timeline of ${id}` })).toBeVisible();
  await expect(timeline.getByText(/^Pending now at worker-a: idle .*, delivered once/)).toBeVisible();
  // Where this server saw it acked, it says so, rather than "acked, dead-lettered or passed over".
  await expect(timeline.getByText('Done here: acked by worker-c.')).toBeVisible();
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
  await expect(timeline.getByText(/^Done here: acked by worker-(b|c)\.$/)).toHaveCount(2);
  await expect(timeline.getByText(/^Pending now at/)).toHaveCount(0);

  // A group deleted while the panel is open: its steps stay, and its lane says the group went.
  const deleted = await page.request.post(`${streamscope.url}/api/group/delete`, {
    data: { group: 'analytics', discardPending: true },
  });
  expect(deleted.ok()).toBe(true);
  await expect(
    timeline.getByText("This group is gone: deleted since, and the entry's place in it with it."),
  ).toBeVisible();
  await expect(timeline.getByText('Done here: acked by worker-c.')).toHaveCount(0);
});

test('an entry pending past the rows the Pending table lists still says who holds it, and how long it idles', async ({
  dashboard,
  page,
  redis,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const post = (path: string, body: unknown) =>
    page.request.post(`${streamscope.url}/api/${path}`, { data: body });
  expect((await post('consumer/crash', { group: 'notifications', name: 'worker-a', count: 60 })).ok()).toBe(
    true,
  );
  const workerA = dashboard.consumer('notifications', 'worker-a');
  await expect(async () => {
    expect((await post('produce', { count: 100 })).ok()).toBe(true);
    await expect(dashboard.stat(workerA, 'Dropped')).toHaveText('60', { timeout: 2_000 });
  }).toPass();
  // The newest of the 60: the snapshot lists the 50 oldest pending entries of a group.
  const { stream } = await (await page.request.get(`${streamscope.url}/api/state`)).json();
  const rows = execFileSync('redis-cli', [
    '-u',
    redis.url,
    'XPENDING',
    stream.key,
    'notifications',
    '-',
    '+',
    '100',
  ])
    .toString()
    .trim()
    .split('\n');
  expect(rows).toHaveLength(60 * 4);
  const newest = rows.at(-4) ?? '';
  await expect(dashboard.pending.getByRole('button', { name: newest })).toHaveCount(0);

  await dashboard.stream.getByLabel('Entry ID, or field=value').fill(newest);
  await dashboard.stream.getByRole('button', { name: 'Find entry' }).click();
  const { timeline } = dashboard;
  const now = timeline.getByText(/^Pending now at worker-a: idle .*, delivered once/);
  await expect(now).toBeVisible();
  // Idle past the threshold (1.5 s here), counted on the server's clock as the snapshots come: claimable, from here,
  // though the Pending table does not list it.
  const claim = timeline.getByRole('button', { name: 'Claim for worker-b' });
  await expect(now).toContainText('claimable');
  // From the keyboard: focus, on a button about to go, goes to the answer that stays.
  await claim.focus();
  await page.keyboard.press('Enter');
  const answer = timeline.getByText(/^Claimed for worker-b from worker-a \(delivery 2\): handled and acked/);
  await expect(answer).toBeVisible();
  await expect(
    timeline.locator('.timeline-claim-answer', { hasText: /^Claimed for worker-b/ }),
  ).toBeFocused();
  await expect(timeline.getByText(/^claimed by worker-b \(attempt 2\)/)).toBeVisible();
  await expect(timeline.getByText(/^Done here: acked by worker-(b|c)\.$/)).toHaveCount(2);
  await expect(claim).toHaveCount(0);
  // The answer stays under the lane once the entry is no longer pending there.
  await expect(timeline.getByText(/^Claimed for worker-b from worker-a/)).toBeVisible();
});

test('an entry found by a field of its payload, when only a business key is known', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { stream, timeline } = dashboard;
  const lookup = stream.getByLabel('Entry ID, or field=value');
  const find = stream.getByRole('button', { name: 'Find entry' });
  await dashboard.produceEvents(30);
  // Replayed once they are in: the click alone left the replay to race the append.
  await expect(dashboard.produce.getByText(/^Produced 30,/)).toBeVisible();
  const replay = await (await page.request.get(`${streamscope.url}/api/replay?count=30`)).json();
  const [target] = replay.entries.slice(-1);

  // One order: its entry's timeline opens at once.
  await lookup.fill(`order_id = ${target.fields.order_id}`);
  await find.click();
  await expect(
    stream.getByText(/^1 entry with order_id = o-\d+, newest first, of 30 read, down to the oldest/),
  ).toBeVisible();
  await expect(timeline.getByRole('heading', { name: `Timeline of ${target.id}` })).toBeVisible();
  await page.keyboard.press('Escape');

  // A customer's: the entries listed, newest first, each opening its timeline.
  const customer = target.fields.customer;
  const theirs = replay.entries.filter(
    (entry: { fields: Record<string, string> }) => entry.fields.customer === customer,
  );
  await lookup.fill(`customer=${customer}`);
  await find.click();
  const list = stream.getByRole('list', { name: `Entries with customer=${customer}` });
  await expect(list.getByRole('listitem')).toHaveCount(Math.min(theirs.length, 20));
  await list.getByRole('button', { name: theirs.at(-1).id }).click();
  await expect(timeline.getByRole('heading', { name: `Timeline of ${theirs.at(-1).id}` })).toBeVisible();
  await page.keyboard.press('Escape');

  // No field: refused beside the field, the list gone with the search it answered.
  await lookup.fill('=o-1');
  await find.click();
  await expect(stream.getByRole('alert')).toContainText(
    'Entry ID, or field=value: no field before the = to search',
  );
  await expect(lookup).toHaveAttribute('aria-invalid', 'true');
  await expect(list).toHaveCount(0);
  // No value either: nothing is searched for a value no one typed.
  await lookup.fill('customer=');
  await find.click();
  await expect(stream.getByRole('alert')).toContainText(
    'Entry ID, or field=value: no value after customer= to search for',
  );
  await expect(lookup).toHaveAttribute('aria-invalid', 'true');
  await expect(stream.getByText(/^No entry with/)).toHaveCount(0);
});

test('an ID no entry has had yet says so, rather than calling it trimmed, up to the last ID there is', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { stream, timeline } = dashboard;
  const lookup = stream.getByLabel('Entry ID, or field=value');
  for (const id of ['99999999999999-0', '18446744073709551615-18446744073709551615']) {
    await lookup.fill(id);
    await stream.getByRole('button', { name: 'Find entry' }).click();
    await expect(timeline.getByText(/^No entry has this ID yet: it is past the newest ID/)).toBeVisible();
    await expect(timeline.getByText(/^Not delivered to this group: not written yet/)).toHaveCount(2);
    await expect(timeline.getByRole('alert')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(timeline).toHaveCount(0);
  }
});

test('an ID among the stream’s entries that none has is said deleted or never written, not trimmed', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { stream, produce, timeline } = dashboard;
  // Two batches, appended at two different milliseconds: IDs between them were never written.
  await dashboard.produceEvents(1);
  await expect(produce.getByText(/^Produced 1,/)).toBeVisible();
  await dashboard.produceEvents(1);
  await expect(produce.getByText(/^Produced 1,/)).toBeVisible();
  await expect(dashboard.stat(stream, 'Length')).toHaveText('2');
  const { entries } = await (await page.request.get(`${streamscope.url}/api/replay`)).json();
  const [firstMs = 0, firstSeq = 0] = String(entries[0].id).split('-').map(Number);
  const [lastMs = 0] = String(entries[1].id).split('-').map(Number);
  expect(lastMs).toBeGreaterThan(firstMs);
  await stream.getByLabel('Entry ID, or field=value').fill(`${firstMs}-${firstSeq + 500}`);
  await stream.getByRole('button', { name: 'Find entry' }).click();
  await expect(
    timeline.getByText(
      /^No entry with this ID is in the stream: deleted \(XDEL\), or never written\. Not trimmed: it is after the stream's first entry, \d+-\d+, and trimming takes the oldest entries only\. The server remembers no steps of it\.$/,
    ),
  ).toBeVisible();
  await expect(timeline.getByText(/trimmed or deleted/)).toHaveCount(0);
});

test('an entry trimmed before a paused group read it says so in that group, not "if an entry ever had this ID"', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const post = async (path: string, data: object) => {
    const response = await page.request.post(`${streamscope.url}/api/${path}`, { data });
    expect(response.ok()).toBe(true);
    return response.json();
  };
  await post('consumer/pause', { group: 'analytics', name: 'worker-c' });
  const { lastId } = await post('produce', { count: 5 });
  await expect(dashboard.stat(dashboard.consumer('notifications', 'worker-a'), 'Pending')).toHaveText('0');
  await post('trim/maxlen', { maxlen: 0, approx: false });
  await post('consumer/resume', { group: 'analytics', name: 'worker-c' });
  // Read past it: analytics' cursor jumps the trimmed entries for the next one written.
  await post('produce', { count: 1 });
  const { stream, timeline } = dashboard;
  await stream.getByLabel('Entry ID, or field=value').fill(lastId);
  await stream.getByRole('button', { name: 'Find entry' }).click();
  await expect(
    timeline.getByText(
      "Not pending here now, the group's cursor past it, and no delivery of it recorded here: trimmed before this group read it, passed over (the group created, or its cursor set, after it), or read by another process.",
    ),
  ).toBeVisible();
  await expect(timeline.getByText(/if an entry ever had this ID/)).toHaveCount(0);
});

test('an entry trimmed while pending offers no Claim in its timeline, and says what records it', async ({
  dashboard,
  page,
  streamscope,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const { timeline } = dashboard;
  const id = await dashboard.claimableIdOnWorkerA();
  const trimmed = await page.request.post(`${streamscope.url}/api/trim/maxlen`, {
    data: { maxlen: 0, approx: false },
  });
  expect(trimmed.ok()).toBe(true);
  await dashboard.stream.getByLabel('Entry ID, or field=value').fill(id);
  await dashboard.stream.getByRole('button', { name: 'Find entry' }).click();
  await expect(timeline.getByText(/^Pending now at worker-a: idle .*, delivered once\./)).toContainText(
    'Gone from the stream while pending (trimmed or deleted): nothing to claim; To DLQ on its row under Pending entries records it in the dead letters.',
  );
  await expect(timeline.getByRole('button', { name: /^Claim/ })).toHaveCount(0);
});
