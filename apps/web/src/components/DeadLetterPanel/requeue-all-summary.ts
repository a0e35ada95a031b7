import type { CommandResults } from '@streamscope/protocol';
import { formatCount, formatDuration } from '../../lib/format';

type SkipReason = CommandResults['dlq.requeue-all']['skippedLetters'][number]['reason'];

const WHY: Record<SkipReason, string> = {
  trimmed: 'payload trimmed',
  wide: 'too many fields to requeue by script',
};

/**
 * What "Requeue all" says it did: how many went back, how many stayed and why, and whether letters were left
 * for another click, for want of room in the stream or at the server's bound.
 * @example requeueAllSummary({ requeued: 12, skipped: 2, ... }) // 'Requeued 12 dead letters; 2 left: payload trimmed'
 */
export function requeueAllSummary(
  result: CommandResults['dlq.requeue-all'],
  /** Whether a consumer may be reading the group (see `mayBeRead`): one none reads never catches up. */
  isRead: (group: string) => boolean = () => true,
): string {
  const { requeued, merged, skipped, skippedBy, more, stoppedForRoom } = result;
  if (requeued === 0 && merged === 0 && skipped === 0 && !more && stoppedForRoom === null)
    return 'Nothing to requeue: those letters were already gone';
  const parts = [
    requeued === 0
      ? 'Requeued none'
      : `Requeued ${formatCount(requeued)} dead letter${requeued === 1 ? '' : 's'} to every group`,
  ];
  if (merged > 0) {
    parts.push(
      // Other groups' letters of the entries it put back, or of entries a requeue had put back before.
      `${formatCount(merged)} more ${merged === 1 ? 'letter' : 'letters'} of ${merged === 1 ? 'an entry' : 'entries'} back on the stream discarded: one copy reaches every group`,
    );
  }
  if (skipped > 0) {
    const counts = (Object.keys(WHY) as SkipReason[]).flatMap((reason) =>
      skippedBy[reason] > 0 ? [[reason, skippedBy[reason]] as const] : [],
    );
    // One reason needs no count of its own: "2 left: payload trimmed".
    const reasons =
      counts.length === 1
        ? counts.map(([reason]) => WHY[reason])
        : counts.map(([reason, count]) => `${formatCount(count)} ${WHY[reason]}`);
    parts.push(`${formatCount(skipped)} left: ${reasons.join(', ')}`);
  }
  if (stoppedForRoom !== null) {
    const { left, maxlen, group, waitedMs } = stoppedForRoom;
    const then = isRead(group)
      ? 'Requeue all again once it has'
      : `${neverCatchesUp(group)}, then Requeue all again`;
    parts.push(
      `${formatCount(left)} ${left === 1 ? 'stays' : 'stay'} in the dead-letter stream: the stream (MAXLEN ~ ${formatCount(maxlen)}) has no room until ${group} catches up (waited ${formatDuration(waitedMs)}); ${then}`,
    );
  }
  if (more) parts.push('more remain up to the newest shown: Requeue all again');
  return parts.join('; ');
}

/** What to do about a group no consumer reads, which the stream waits on for room: it never catches up by itself. */
export function neverCatchesUp(group: string): string {
  return `no consumer reads ${group}, so it never will: add one to it, move its cursor on, or delete it`;
}

/**
 * A single Requeue's refusal for want of room (`NoRoomError`: "… has no room until group X catches up …"), with
 * what to do when no consumer reads that group; any other message as it was.
 */
export function noRoomAdvice(message: string, isRead: (group: string) => boolean): string {
  const group = /has no room until group (.+?) catches up/.exec(message)?.[1];
  return group === undefined || isRead(group) ? message : `${message}; ${neverCatchesUp(group)}`;
}
