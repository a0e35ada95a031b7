import type { CommandResults } from '@streamscope/protocol';
import { formatCount } from '../../lib/format';

type SkipReason = CommandResults['dlq.requeue-all']['skippedLetters'][number]['reason'];

const WHY: Record<SkipReason, string> = {
  trimmed: 'payload trimmed',
  wide: 'too many fields to requeue by script',
};

/**
 * What "Requeue all" says it did: how many went back, how many stayed and why (the reply names the first 100
 * skipped; past those only the count is known), and whether letters were left for another click.
 * @example requeueAllSummary({ requeued: 12, skipped: 2, ... }) // 'Requeued 12 dead letters; 2 left: payload trimmed'
 */
export function requeueAllSummary(result: CommandResults['dlq.requeue-all']): string {
  const { requeued, skipped, skippedLetters, more } = result;
  if (requeued === 0 && skipped === 0 && !more) return 'Nothing to requeue: those letters were already gone';
  const parts = [
    requeued === 0
      ? 'Requeued none'
      : `Requeued ${formatCount(requeued)} dead letter${requeued === 1 ? '' : 's'} to every group`,
  ];
  if (skipped > 0) {
    const counts = new Map<SkipReason, number>();
    for (const { reason } of skippedLetters) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    const unnamed = skipped - skippedLetters.length;
    const reasons =
      counts.size === 1 && unnamed === 0
        ? [...counts.keys()].map((reason) => WHY[reason])
        : [
            ...[...counts].map(([reason, count]) => `${formatCount(count)} ${WHY[reason]}`),
            ...(unnamed > 0 ? [`${formatCount(unnamed)} more`] : []),
          ];
    parts.push(`${formatCount(skipped)} left: ${reasons.join(', ')}`);
  }
  if (more) parts.push('more remain up to the newest shown: Requeue all again');
  return parts.join('; ');
}
