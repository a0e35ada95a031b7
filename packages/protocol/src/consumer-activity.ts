/**
 * A consumer Redis saw within this long is taken to be running somewhere. A live worker calls XREADGROUP
 * at least every block time (half a second in the server) plus one batch's work, so three seconds leaves
 * room; a crashed one's idle time only grows.
 */
export const ACTIVE_WITHIN_MS = 3_000;

/** Whether a consumer known only to Redis (idle as XINFO CONSUMERS reports it) seems to be running. */
export function seemsActive(idleMs: number): boolean {
  return idleMs < ACTIVE_WITHIN_MS;
}
