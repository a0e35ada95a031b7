import { expect, test } from '../fixtures/test.js';

const ENTRY_ID = /^\d+-\d+$/;

test('with the producer at 1,000/s, Tab walks past every live list to the consumers and Replay', async ({
  dashboard,
  page,
}) => {
  // About 170 Tab presses, each followed by a look at what has focus, against a page drawing 1,000 events/s:
  // on a loaded 2-core machine the walk alone took 54 to 72 s, the whole test 1.3 min once and over the default
  // 90 s once. Three times that budget is time to wait, not a speed target.
  test.slow();
  await expect(dashboard.connection).toHaveText('connected');
  await dashboard.produce.getByLabel('Rate (events/s)').fill('1000');
  // Clicking Start also puts focus there: the walk starts from it.
  await dashboard.produce.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dashboard.produce.getByText(/^running/)).toBeVisible();
  const workerC = dashboard.consumer('analytics', 'worker-c');
  await expect(workerC.getByRole('button', { name: ENTRY_ID }).first()).toBeVisible();

  // What has focus, by the name a screen reader would read; `null` when it fell back to <body>.
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      if (element === null || element === document.body) return null;
      const label = element instanceof HTMLInputElement ? element.labels?.[0]?.textContent : null;
      return element.getAttribute('aria-label') || label || element.textContent?.trim() || element.tagName;
    });
  const lastId = dashboard.stat(dashboard.stream, 'Last ID');
  // Two snapshots drawn since: every live list has had its rows replaced at least once meanwhile.
  const twoSnapshotsLater = async () => {
    for (let i = 0; i < 2; i += 1) {
      const before = (await lastId.textContent()) ?? '';
      await expect(lastId).not.toHaveText(before);
    }
  };

  const walked: string[] = [];
  while (walked.at(-1) !== 'Replay') {
    expect(walked.length, 'Tab presses before reaching Replay').toBeLessThan(600);
    await page.keyboard.press('Tab');
    const name = await focused();
    expect(name, `focus after ${walked.at(-1) ?? 'Start'}`).not.toBeNull();
    // Entering a list of entry IDs, stay while its data moves on: focus must not be thrown out of it.
    if (ENTRY_ID.test(name ?? '') && !ENTRY_ID.test(walked.at(-1) ?? '')) {
      await twoSnapshotsLater();
      expect(await focused(), `focus on ${name} after two snapshots`).toBe(name);
    }
    walked.push(name ?? '');
  }
  expect(walked).toContain('Crash next 3 on worker-c');
  expect(walked).toContain('Remove worker-b');

  // A timeline opened from a recent delivery hands focus back to that consumer's card on Escape, also once the
  // list has moved on and the ID that opened it is gone (focus fell to <body>, the top of the page).
  // At 1,000/s the recent deliveries are replaced every frame, so the first one is found and focused in one step
  // in the page: a locator's focus() resolves the row, then focuses it a round trip later, by when it is often
  // gone ("element was detached", retried for over a minute on a busy machine). Focus inside holds it still.
  await workerC.evaluate((card, idPattern) => {
    const pattern = new RegExp(idPattern);
    Array.from(card.querySelectorAll('button'))
      .find((button) => pattern.test(button.textContent ?? ''))
      ?.focus();
  }, ENTRY_ID.source);
  await expect(workerC.locator(':focus')).toHaveText(ENTRY_ID);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Close timeline' })).toBeFocused();
  await twoSnapshotsLater();
  await page.keyboard.press('Escape');
  await expect(workerC.locator(':focus')).toHaveCount(1);

  // From the top of a fresh page the first Tab shows the skip links, and one of them jumps past it all.
  await page.reload();
  await expect(dashboard.connection).toHaveText('connected');
  await page.keyboard.press('Tab');
  const skipLinks = page.getByRole('navigation', { name: 'Skip to' });
  await expect(skipLinks.getByRole('link', { name: 'Consumer groups' })).toBeFocused();
  await expect(skipLinks).toBeVisible();
  while ((await focused()) !== 'Replay') await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  // On the area's heading, which a screen reader says, and from there on into it.
  await expect(dashboard.replay.getByRole('heading', { name: 'Replay' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dashboard.replay.getByLabel('Start')).toBeFocused();
});
