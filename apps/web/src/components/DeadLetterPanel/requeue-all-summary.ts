import type { CommandResults } from '@streamscope/protocol';
import { formatCount } from '../../lib/format';

type SkipReason = CommandResults['dlq.requeue-all']['skippedLetters'][number]['reason'];

const WHY: Record<SkipReason, string> = {
  trimmed: 'payload trimmed',
  wide: 'too many fields to requeue by script',
};

/**
 * What "Requeue all" says it did: how many went back, how many stayed and why, and whether letters were left
 * for another click.
 * @example requeueAllSummary({ requeued: 12, skipped: 2, ... }) // 'Requeued 12 dead letters; 2 left: payload trimmed'
 */
export function requeueAllSummary(result: CommandResults['dlq.requeue-all']): string {
  const { requeued, skipped, skippedBy, more } = result;
  if (requeued === 0 && skipped === 0 && !more) return 'Nothing to requeue: those letters were already gone';
  const parts = [
    requeued === 0
      ? 'Requeued none'
      : `Requeued ${formatCount(requeued)} dead letter${requeued === 1 ? '' : 's'} to every group`,
  ];
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
  if (more) parts.push('more remain up to the newest shown: Requeue all again');
  return parts.join('; ');
}
