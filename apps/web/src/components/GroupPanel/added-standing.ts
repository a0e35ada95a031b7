import type { GroupView } from '@streamscope/protocol';

/**
 * Where the consumer an "Added worker-e" note names stands in its group's snapshot: `listed`; `not yet`, its answer
 * having come before the snapshot that lists it (or the snapshot leaving it out among too many consumers); or
 * `gone`, listed since the answer and no longer, removed from this page or elsewhere. Gone, the note goes with it:
 * left under the form, it said a consumer was there that no card showed.
 *
 * @example
 * addedStanding('worker-e', true, { consumers: [], consumersOmitted: 0 }); // 'gone'
 */
export function addedStanding(
  name: string,
  listedSince: boolean,
  group: Pick<GroupView, 'consumers' | 'consumersOmitted'>,
): 'listed' | 'not yet' | 'gone' {
  if (group.consumers.some((consumer) => consumer.name === name)) return 'listed';
  // With consumers left out of the snapshot, one not listed may be among them.
  return listedSince && group.consumersOmitted === 0 ? 'gone' : 'not yet';
}
