import { expect, test } from '../fixtures/test.js';

// MAXLEN ~ 100 under 500 events/s keeps about 0.2 s of entries, far under the fixture's 1.5 s claim threshold.
test.use({ serverArgs: ['--maxlen', '100'] });

test('the pending panel warns while the stream keeps entries for less time than the claim threshold', async ({
  dashboard,
  page,
}) => {
  await expect(dashboard.connection).toHaveText('connected');
  const warning = dashboard.pending.getByText(
    /under the claim threshold of 1\.5 s: an entry a consumer drops/,
  );
  await expect(warning).toHaveCount(0);

  await dashboard.produce.getByLabel('Rate (events/s)').fill('500');
  await dashboard.produce.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(warning).toContainText(/^⚠ At [\d,.]+\/s, MAXLEN ~ 100 keeps \d+ ms of entries/, {
    timeout: 15_000,
  });
  await expect(warning).toContainText('start the server with a larger --maxlen');
  // Nothing appended, nothing is trimmed: the entries left stay until claimed.
  const stop = dashboard.produce.getByRole('button', { name: 'Stop', exact: true });
  await stop.press('Enter');
  await expect(warning).toHaveCount(0, { timeout: 15_000 });
  // Stopped, Stop has nothing to do, and still holds focus: disabled under it, focus fell to the page's body.
  await expect(stop).toHaveAttribute('aria-disabled', 'true');
  await expect(stop).toBeFocused();

  // A standing policy shorter than the threshold trims pending entries by age, produced to or not.
  page.on('dialog', (dialog) => void dialog.accept());
  await dashboard.retention.getByLabel('Keep at most (ms)').fill('1000');
  await dashboard.retention.getByRole('button', { name: 'Apply policy' }).click();
  await expect(warning).toContainText(/^⚠ The retention policy keeps 1(\.0)? s of entries/);
  const stopPolicy = dashboard.retention.getByRole('button', { name: 'Stop policy' });
  await stopPolicy.press('Enter');
  await expect(warning).toHaveCount(0);
  await expect(stopPolicy).toHaveAttribute('aria-disabled', 'true');
  await expect(stopPolicy).toBeFocused();
});
