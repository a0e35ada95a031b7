export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 5_000;

/**
 * Delay before reconnect attempt number `failures` (1 for the first retry): doubling from 250 ms up to 5 s, with
 * "equal jitter" (half fixed, half random) so a restarted server is not hit by every tab in the same millisecond.
 */
export function reconnectDelay(failures: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 16);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
