/** An auto-reap switch the user flipped: what they asked for, and when the server said yes. */
export interface AutoReapRequest {
  enabled: boolean;
  /** The snapshot `seq` on screen when the answer came; `null` while the command is in flight. */
  answeredAtSeq: number | null;
}

/**
 * What the toggle shows: the server's word, except from the click until the first snapshot after the answer, which
 * is the first that can reflect it; showing the old state in between would make the switch flick back and forth.
 */
export function shownAutoReap(server: boolean, request: AutoReapRequest | null, seq: number | null): boolean {
  if (request === null) return server;
  if (request.answeredAtSeq === null || request.answeredAtSeq === seq) return request.enabled;
  return server;
}
