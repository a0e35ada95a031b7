import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test.js';

// Two deliveries dead-letter and the auto-reaper claims every 300 ms once on: a poison pill lands in the
// dead-letter stream within a couple of seconds.
test.use({ serverArgs: ['--max-deliveries', '2', '--reap-interval-ms', '300'] });

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, headings, unique names). */
const RULE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

/**
 * What axe finds wrong with the page (or the parts `include` selects), one block per rule: its id, impact and
 * help, then each element by its selector with what to fix. An empty string when nothing is wrong, so that
 * `expect(...).toBe('')` prints the findings themselves on failure.
 */
async function axeFindings(page: Page, include?: string): Promise<string> {
  const builder = new AxeBuilder({ page }).withTags(RULE_TAGS);
  const { violations } = await (include === undefined ? builder : builder.include(include)).analyze();
  return violations
    .map((violation) => {
      const nodes = violation.nodes.slice(0, 8).map((node) => {
        const fix = (node.failureSummary ?? '').split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim();
        return `  - ${node.target.join(' ')}\n      ${fix}`;
      });
      const more = violation.nodes.length > 8 ? [`  … and ${violation.nodes.length - 8} more`] : [];
      return [
        `${violation.id} (${violation.impact ?? 'no impact given'}): ${violation.help}`,
        `  ${violation.helpUrl}`,
        ...nodes,
        ...more,
      ].join('\n');
    })
    .join('\n\n');
}

/**
 * Every control a keyboard can reach, focused in turn as Tab would leave it (after a key press, so the browser
 * shows focus as for a keyboard user): those without a visible ring, or whose ring a scrolling or clipping
 * container cuts into, described one a line.
 */
function controlsWithoutVisibleFocus(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const focusable = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
    const faults: string[] = [];
    // Focus scrolls each list to the control it lands on: put them back after, as a person scrolling would see them.
    const scrolled = Array.from(document.querySelectorAll<HTMLElement>('*')).map(
      (element) => [element, element.scrollTop, element.scrollLeft] as const,
    );
    for (const control of Array.from(document.querySelectorAll<HTMLElement>(focusable))) {
      if (control.matches(':disabled') || control.closest('[inert]') !== null) continue;
      control.focus();
      if (document.activeElement !== control) continue; // hidden, or not focusable after all
      const name = `${control.tagName.toLowerCase()} "${(control.getAttribute('aria-label') ?? control.textContent ?? '').trim().slice(0, 40)}"`;
      const style = getComputedStyle(control);
      const width = Number.parseFloat(style.outlineWidth);
      if (!control.matches(':focus-visible') || style.outlineStyle === 'none' || width < 2) {
        faults.push(`${name}: no focus ring (outline ${style.outlineStyle} ${style.outlineWidth})`);
        continue;
      }
      const reach = width + Math.max(0, Number.parseFloat(style.outlineOffset));
      const box = control.getBoundingClientRect();
      for (let parent = control.parentElement; parent !== null; parent = parent.parentElement) {
        const clip = getComputedStyle(parent);
        if (clip.overflowX === 'visible' && clip.overflowY === 'visible') continue;
        const frame = parent.getBoundingClientRect();
        if (
          box.left - reach < frame.left - 0.5 ||
          box.top - reach < frame.top - 0.5 ||
          box.right + reach > frame.right + 0.5 ||
          box.bottom + reach > frame.bottom + 0.5
        ) {
          faults.push(
            `${name}: focus ring cut off by <${parent.tagName.toLowerCase()} class="${parent.className}">`,
          );
          break;
        }
      }
    }
    (document.activeElement as HTMLElement | null)?.blur();
    for (const [element, top, left] of scrolled) element.scrollTo(left, top);
    return faults;
  });
}

test('no accessibility violations in the states a user meets, focus always visible, the timeline closed by Escape', async ({
  dashboard,
  page,
  streamscope,
}) => {
  const { pending, produce, replay } = dashboard;
  const deadLetters = page.getByRole('region', { name: /^Dead letters/ });
  // Tall enough for every panel at once: panels draw their live rows only while in view, and nothing sits under
  // the sticky header (axe judges a target by what covers it).
  await page.setViewportSize({ width: 1440, height: 3400 });

  await test.step('freshly loaded', async () => {
    await expect(dashboard.connection).toHaveText('connected');
    expect(await axeFindings(page)).toBe('');
  });

  await test.step('entries pending after a crash, with their idle time and claim cue', async () => {
    await dashboard.dropThreeOnWorkerA();
    await expect(pending.getByRole('row').filter({ hasText: 'worker-a' })).toHaveCount(3);
    expect(await axeFindings(page, '#pending')).toBe('');
  });

  await test.step("a dead letter, the compact view, a group's cursor and deletion controls, two refusals and a timeline, all at once", async () => {
    await deadLetters.getByRole('button', { name: 'Inject poison pill' }).click();
    const pill =
      (await deadLetters
        .getByText(/^Injected/)
        .getByRole('button')
        .textContent()) ?? '';
    await page.getByLabel('Auto-reap analytics').check();
    const letter = deadLetters.getByRole('row').filter({ has: page.getByRole('button', { name: pill }) });
    await expect(letter).toHaveCount(1, { timeout: 20_000 });
    await expect(pending.getByText('claimable').first()).toBeVisible();

    // A group's own controls, open: its cursor about to move to a typed ID, its deletion asking first.
    const notifications = dashboard.group('notifications');
    await notifications.getByText('Cursor and deletion').click();
    await notifications
      .getByLabel('Move cursor to (group notifications)')
      .selectOption({ label: 'After an ID…' });
    await notifications.getByRole('button', { name: 'Delete group notifications (XGROUP DESTROY)' }).click();
    await expect(notifications.getByText(/^Delete notifications\?/)).toBeVisible();

    await dashboard.compactSwitch('analytics').check();
    await expect(dashboard.consumerTable('analytics')).toBeVisible();

    await dashboard.produceEvents(0); // below the field's minimum: the browser refuses it
    await expect(produce.getByRole('alert')).toContainText('Number of events');
    await replay.getByLabel('Start').fill('yesterday'); // the server refuses it
    await replay.getByRole('button', { name: 'Replay' }).click();
    await expect(replay.getByRole('alert')).toContainText(/^⚠ Start: must be/);

    // Opened from the keyboard, as the keyboard check below closes it.
    const opener = letter.getByRole('button', { name: pill, exact: true });
    await opener.focus();
    await page.keyboard.press('Enter');
    await expect(dashboard.timeline).toBeVisible();
    await expect(dashboard.timeline.getByRole('button', { name: 'Close timeline' })).toBeFocused();
    await expect(dashboard.timeline).toContainText('dead-lettered');
    expect(await axeFindings(page)).toBe('');

    // Tab goes round the timeline's own controls, never to the page's out of sight behind it.
    const close = dashboard.timeline.getByRole('button', { name: 'Close timeline' });
    const inTimeline = () => page.evaluate(() => document.activeElement?.closest('.timeline-panel') !== null);
    for (const key of ['Shift+Tab', 'Tab', 'Tab']) {
      await page.keyboard.press(key);
      expect(await inTimeline(), key).toBe(true);
    }

    // Escape shuts the timeline from anywhere inside it and hands focus back to the ID that opened it.
    await page.keyboard.press('Escape');
    await expect(dashboard.timeline).toHaveCount(0);
    await expect(opener).toBeFocused();
    // And from the page beside it, where a click left focus.
    await page.keyboard.press('Enter');
    await expect(close).toBeFocused();
    await replay.getByLabel('Start').focus();
    await page.keyboard.press('Escape');
    await expect(dashboard.timeline).toHaveCount(0);
    await expect(replay.getByLabel('Start')).toBeFocused();
  });

  await test.step('every control shows where focus is, ring whole', async () => {
    await page.keyboard.press('Tab'); // a key press: focus from here on is shown as a keyboard user sees it
    expect(await controlsWithoutVisibleFocus(page)).toEqual([]);
  });

  await test.step('on a 1280 × 800 laptop screen, disconnected from the server', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await streamscope.stop();
    await expect(dashboard.connection).toHaveText(/reconnecting|disconnected/);
    await expect(page.locator('main.is-stale')).toBeVisible();
    expect(await axeFindings(page)).toBe('');
  });
});
