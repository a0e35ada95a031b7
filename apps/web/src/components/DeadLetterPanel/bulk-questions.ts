import { formatCount } from '../../lib/format';

/** What "Discard all" asks before it goes: they cannot be brought back. */
export function discardAllQuestion(length: number, key: string): string {
  return `Discard all ${formatCount(length)} dead letters in ${key}, up to the newest shown? They cannot be brought back; letters written after it stay.`;
}

/**
 * What "Requeue all" asks before it goes: how many would go back (when the page has them all, `requeueable`, else
 * those up to the newest shown), that every group receives each again, and which stay.
 */
export function requeueAllQuestion(requeueable: number | null, length: number, key: string): string {
  return [
    requeueable === null
      ? `Requeue the ${formatCount(length)} dead letters in ${key}, up to the newest shown, to the stream?`
      : `Requeue ${formatCount(requeueable)} of the ${formatCount(length)} dead letters in ${key} to the stream?`,
    'Every group receives each one again; a group that had processed it acks it as a duplicate, and one still holding the original pending handles whichever comes first and acks the other as a duplicate (a poison pill fails both, and is dead-lettered again for each).',
    'Letters of entries trimmed while pending have no fields to requeue, and stay. So do those the stream has no room for beside what its groups have yet to read (none is trimmed unread), and letters written from now on.',
  ].join('\n\n');
}

/** The "Requeue all" button's tooltip: what it does, or why there is nothing for it to do. */
export function requeueAllTitle(requeueable: number | null, length: number): string {
  return requeueable === 0 && length > 0
    ? 'Every letter here is of an entry trimmed while pending: no fields to requeue'
    : 'Appends every letter up to the newest shown to the stream again, as fast as the stream has room beside what its groups have yet to read; those with nothing to requeue stay';
}
