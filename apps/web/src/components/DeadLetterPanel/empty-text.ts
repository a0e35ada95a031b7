import { formatCount } from '../../lib/format';

/**
 * What the panel says when the dead-letter stream is empty. `total` is this server's count since it started: the
 * stream may have held letters before (a restart with --no-reset, then Discard all), so "No dead letters" says
 * nothing of what was acked. Where this server's letters went is not known here: "every one was requeued or
 * discarded" was false of letters the stream's own MAXLEN trimmed, another client deleted, or a Redis restarted
 * without its data lost.
 */
export function emptyText(total: number | null): string {
  if (total === null || total <= 0) return 'No dead letters.';
  const written =
    total === 1
      ? 'The one letter this server wrote since it started is'
      : `The ${formatCount(total)} letters this server wrote since it started are`;
  return `The dead-letter stream is empty. ${written} no longer there: requeued, discarded, or removed otherwise (the dead-letter stream's own cap, another client, Redis restarted without its data).`;
}
