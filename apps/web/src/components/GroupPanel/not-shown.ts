import type { GroupView } from '@streamscope/protocol';
import { formatCount } from '../../lib/format';

/**
 * How many consumers the group has in all: a snapshot carries at most 200 of a group's consumers (Redis keeps one
 * per pod that ever read, until deleted) and counts the rest in `consumersOmitted`.
 */
export function consumerCount(group: Pick<GroupView, 'consumers' | 'consumersOmitted'>): number {
  return group.consumers.length + group.consumersOmitted;
}

/** The line under a group's consumers when the server left some out, saying which it kept; `null` when none. */
export function consumersNotShown(group: Pick<GroupView, 'consumers' | 'consumersOmitted'>): string | null {
  const omitted = group.consumersOmitted;
  if (omitted <= 0) return null;
  const more = omitted === 1 ? '1 more consumer' : `${formatCount(omitted)} more consumers`;
  // The server's order of choice (snapshot-caps.ts), said as it is: "the busiest" would be untrue of an idle worker.
  return `${more} not shown. The ${formatCount(group.consumers.length)} shown were chosen in this order: those running on this server, those holding pending entries, Streamscope workers running elsewhere, then the most recently active.`;
}

/** The line under the groups when the server left some out; `null` when none. */
export function groupsNotShown(shown: number, omitted: number): string | null {
  if (omitted <= 0) return null;
  const more = omitted === 1 ? '1 more consumer group' : `${formatCount(omitted)} more consumer groups`;
  return `${more} on this stream not shown. The ${formatCount(shown)} shown are those this server runs consumers of, then the first of the others by name.`;
}
