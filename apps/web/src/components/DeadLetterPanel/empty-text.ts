/**
 * What the panel says when the dead-letter stream is empty. `total` is this server's count since it started: the
 * stream may have held letters before (a restart with --no-reset, then Discard all), so "No dead letters" says
 * nothing of what was acked.
 */
export function emptyText(total: number | null): string {
  return total !== null && total > 0
    ? 'The dead-letter stream is empty: every letter written since this server started was requeued or discarded.'
    : 'No dead letters.';
}
