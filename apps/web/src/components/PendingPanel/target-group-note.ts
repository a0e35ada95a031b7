import type { GroupView } from '@streamscope/protocol';
import { formatCount, formatFirstOf } from '../../lib/format';
import type { TargetOption } from './target-options';

/**
 * What is said beside XAUTOCLAIM to selected when its target's group has nothing pending while another group, with a
 * consumer here to claim into, has: the claim would find nothing, and answered "claimed 0" with no word of why.
 * `null` otherwise. Of the groups as the snapshot counts them, whatever the Show filter lists.
 *
 * @example
 * // 'analytics has no pending entries, so XAUTOCLAIM into worker-c finds none to claim; notifications has 12.'
 */
export function targetGroupNote(
  target: TargetOption | null,
  options: readonly TargetOption[],
  groups: readonly Pick<GroupView, 'name' | 'pending'>[],
): string | null {
  if (target === null) return null;
  const own = groups.find((group) => group.name === target.group);
  if (own === undefined || own.pending > 0) return null;
  // Only groups the user could claim in instead: one whose consumers here are all paused or down would be refused.
  const claimableIn = new Set(
    options
      .filter((option) => option.condition !== 'paused' && option.condition !== 'down')
      .map((o) => o.group),
  );
  const elsewhere = groups.filter(
    (group) => group.name !== target.group && group.pending > 0 && claimableIn.has(group.name),
  );
  if (elsewhere.length === 0) return null;
  const counts = elsewhere.map(
    (group, index) => `${group.name}${index === 0 ? ' has' : ''} ${formatCount(group.pending)}`,
  );
  return `${target.group} has no pending entries, so XAUTOCLAIM into ${target.consumer} finds none to claim; ${formatFirstOf(counts, 3)}.`;
}
