/**
 * How the e2e tests and the soak benchmark launch Debian's Chromium: no browser download, and flags that keep
 * it quiet and deterministic on a machine whose network is closed (without the background-networking ones its
 * connection attempts are refused, many at a time).
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
