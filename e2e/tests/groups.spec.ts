import { expect, test } from '../fixtures/test.js';

test('a group created from the page reads the stream once a consumer joins, is rewound into duplicates, and is deleted', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  await dashboard.produceEvents(10);
  const newGroup = page.getByRole('region', { name: /^New consumer group/ });

  // A malformed position is refused where it was typed, and nothing is created.
  await newGroup.getByLabel('Group name').fill('billing');
  await newGroup.getByLabel('Start at').selectOption({ label: 'After an ID…' });
  await newGroup.getByLabel('After ID').fill('yesterday');
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(newGroup.getByRole('alert')).toContainText(
    "After ID: must be '$' (after the newest entry), 0-0",
  );
  await expect(dashboard.group('billing')).toHaveCount(0);
  // One past the newest entry is refused by the server, named by its field as the move's own check names it,
  // and focus goes to that field from the one the form was sent from.
  await newGroup.getByLabel('After ID').fill('99999999999999-0');
  await newGroup.getByLabel('Group name').press('Enter');
  await expect(newGroup.getByRole('alert')).toContainText(
    "After ID: 99999999999999-0 is past the stream's newest ID",
  );
  await expect(newGroup.getByLabel('After ID')).toHaveAttribute('aria-invalid', 'true');
  await expect(newGroup.getByLabel('After ID')).toBeFocused();
  await expect(dashboard.group('billing')).toHaveCount(0);

  await newGroup.getByLabel('Start at').selectOption({ label: 'The whole stream (0-0)' });
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(newGroup.getByText(/^Created billing at 0-0, lag 10/)).toBeVisible();
  const billing = dashboard.group('billing');
  await expect(
    billing.getByText('No consumers: entries wait in the group until one is added.'),
  ).toBeVisible();
  await expect(dashboard.stat(billing, 'Lag')).toHaveText('10');
  // Its reaper switched on says no worker runs it to reap, yet; off again, it says nothing of it.
  await page.getByLabel('Auto-reap billing').check();
  await expect(
    billing.getByText(/no Streamscope worker of it runs now, so nothing reaps until one starts$/),
  ).toBeVisible();
  await page.getByLabel('Auto-reap billing').uncheck();
  await expect(billing.getByText(/^Auto-reaper off for billing/)).toBeVisible();

  // Left empty, the name field's suggestion is the name.
  await expect(billing.getByLabel('Consumer name for billing, worker-d if left empty')).toHaveValue('');
  await billing.getByRole('button', { name: 'Add consumer to billing' }).click();
  await expect(billing.getByText(/^Added worker-d/)).toBeVisible();
  await expect(dashboard.stat(billing, 'Entries read')).toHaveText('10');
  await expect(dashboard.stat(billing, 'Lag')).toHaveText('0');
  await expect(dashboard.stat(billing, 'Pending')).toHaveText('0');

  // Rewound, it is handed all ten again; its guard knows them and skips the work.
  await billing.getByText('Cursor and deletion').click();
  // Past the stream's newest ID, a move the server would refuse is refused beside its field, with no question.
  await billing.getByLabel('Move cursor to (group billing)').selectOption({ label: 'After an ID…' });
  await billing.getByLabel('After ID').fill('99999999999999-0');
  await billing.getByRole('button', { name: 'Move cursor of billing (XGROUP SETID)' }).click();
  await expect(billing.getByRole('alert')).toContainText(
    "After ID: 99999999999999-0 is past the stream's newest ID (its newest entry is",
  );
  await expect(billing.getByLabel('After ID')).toHaveAttribute('aria-invalid', 'true');
  await expect(billing.getByText(/^Move the cursor of billing to/)).toHaveCount(0);
  await billing
    .getByLabel('Move cursor to (group billing)')
    .selectOption({ label: 'The start: read it all again (0-0)' });
  await billing.getByRole('button', { name: 'Move cursor of billing (XGROUP SETID)' }).click();
  // It asks first, saying what the move delivers again; the question has the focus.
  await expect(
    billing.getByText(
      /^Move the cursor of billing to 0-0\? Every entry in the stream is delivered to billing again: the 10 entries up to its cursor/,
    ),
  ).toBeFocused();
  await billing.getByRole('button', { name: 'Move billing to 0-0' }).click();
  await expect(billing.getByText(/^Moved from \d+-\d+ to 0-0/)).toBeVisible();
  await expect(dashboard.stat(billing, 'Duplicates')).toHaveText('10');
  await expect(dashboard.stat(dashboard.group('analytics'), 'Duplicates')).toHaveText('0');
  // Its consumer's recent deliveries say so, and its Processed counts the work done once.
  const workerD = dashboard.consumer('billing', 'worker-d');
  await expect(workerD.getByText('dup', { exact: true }).first()).toBeVisible();
  await expect(dashboard.stat(workerD, 'Processed')).toHaveText('10');

  await billing.getByRole('button', { name: 'Delete group billing (XGROUP DESTROY)' }).click();
  // The question takes the focus of the button it replaced.
  await expect(
    billing.getByText(
      /Delete billing\? Its consumer on this server stops first\. It holds no pending entries\./,
    ),
  ).toBeFocused();
  await billing.getByRole('button', { name: 'Delete billing' }).click();
  await expect(dashboard.group('billing')).toHaveCount(0);
  // Its panel went with it; what the deletion did is said where the groups are, and has the focus.
  const note = page.locator('p', { hasText: 'Deleted group billing, after stopping worker-d' });
  await expect(note).toBeFocused();
  // The answer that created it goes with it: it named a group no panel shows.
  await expect(page.getByText(/^Created billing at/)).toHaveCount(0);
  // The seeded groups are untouched.
  await expect(dashboard.group('analytics')).toBeVisible();
  await expect(dashboard.group('notifications')).toBeVisible();
});
