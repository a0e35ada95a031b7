import { expect, test } from '../fixtures/test.js';

// Bound off loopback, the server asks every page and request for its token.
test.use({ serverArgs: ['--host', '0.0.0.0', '--token', 'e2e-token-long-enough'] });

test('a page opened without the token says the server refused it and why, and with it connects', async ({
  page,
  streamscope,
}) => {
  await page.goto(streamscope.url);
  await expect(page.getByRole('status')).toContainText(
    'refused: this server needs its token: open the page as /?token=…',
  );
  await page.goto(`${streamscope.url}/?token=e2e-token-long-enough`);
  await expect(page.getByRole('status')).toHaveText('connected');
});
