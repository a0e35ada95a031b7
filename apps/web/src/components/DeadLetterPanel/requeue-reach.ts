import type { DeadLetterView, LifecycleEventView } from '@streamscope/protocol';
import { formatList } from '../../lib/format';
import { describeEventNamingEntry } from '../../lib/lifecycle';

/** What the page knows, as Requeue is clicked, of the groups a requeued entry reaches. */
export interface RequeueReach {
  /** The stream's groups now (`null` while no snapshot says), and how many the snapshot left out. */
  readonly groups: readonly string[] | null;
  readonly groupsOmitted: number;
  /** The dead letters shown: the entry's letters among them say which groups dead-lettered it. */
  readonly letters: readonly Pick<DeadLetterView, 'originalId' | 'group'>[];
}

/**
 * Whether every group of the stream had dead-lettered the entry of `originalId`: each has a letter of it among
 * those shown. Then no group had processed it, and each handles the requeued copy again. `false` when the page
 * cannot tell (a group left out of the snapshot, a letter not shown), for what is then said holds either way.
 */
export function everyGroupDeadLettered(originalId: string, reach: RequeueReach): boolean {
  const { groups, groupsOmitted, letters } = reach;
  if (groups === null || groups.length === 0 || groupsOmitted > 0) return false;
  const lettered = new Set(
    letters.filter((letter) => letter.originalId === originalId).map((letter) => letter.group),
  );
  return groups.every((group) => lettered.has(group));
}

/**
 * Whether the group that wrote a letter is gone from the stream (deleted since): the page knows every group, and
 * that one is not among them. A requeued copy then reaches only the groups there are, which handle it again only if
 * they had dead-lettered it too. `false` when the page cannot tell, or the letter names no group.
 */
export function letterGroupGone(
  group: string,
  { groups, groupsOmitted }: Pick<RequeueReach, 'groups' | 'groupsOmitted'>,
): boolean {
  if (groups === null || groupsOmitted > 0 || group === '') return false;
  return !groups.includes(group);
}

/**
 * The copy an entry was put back as, from its timeline (`entry.history`'s events): the ID a `requeued` step names
 * ("as 9-0"), the latest; `null` when it was not put back. A Requeue found its letter gone: another page's requeue of
 * another letter of the entry may have taken it with it.
 */
export function requeuedAsFrom(events: readonly LifecycleEventView[]): string | null {
  for (const event of [...events].reverse()) {
    const copy = event.kind === 'requeued' ? describeEventNamingEntry(event)?.id : undefined;
    if (copy !== undefined) return copy;
  }
  return null;
}

/** What a row's Requeue asks first when the letter's group is gone: the copy would be handled by none for it. */
export function goneGroupQuestion(letter: Pick<DeadLetterView, 'originalId' | 'group'>): string {
  return `The group ${letter.group}, which dead-lettered ${letter.originalId}, no longer exists. Requeued, the entry reaches only the groups there are now: one that had processed it acks it as a duplicate, and none handles it again for ${letter.group}. Requeue it anyway?`;
}

/** "notifications had processed it and acks the copy as a duplicate", of the groups the server named. */
function processedClause(groups: readonly string[], since: boolean): string {
  const one = groups.length === 1;
  const had = since ? `${one ? 'has' : 'have'} processed it since` : 'had processed it';
  return `${formatList(groups)} ${had} and ${one ? 'acks' : 'ack'} the copy as a duplicate`;
}

/**
 * What the groups do with a requeued entry, after "Requeued 5-0 as 9-0 to every group": those that had
 * dead-lettered it handle it again; those the server names in `processedBy` ack it as a duplicate. "A group that
 * had processed it acks it as a duplicate" was said whether or not one had: the server knows, and says which.
 *
 * @example
 * requeuedFate({ group: 'analytics', merged: 0, everyGroup: false, processedBy: ['notifications'] });
 * // 'analytics, which had dead-lettered it, handles it again, and notifications had processed it and acks the copy as a duplicate'
 */
export function requeuedFate({
  group,
  merged,
  everyGroup,
  groupGone = false,
  processedBy = [],
}: {
  /** The group whose letter was requeued. */
  group: string;
  /** The entry's other letters, of other groups, that left with it. */
  merged: number;
  everyGroup: boolean;
  /** Whether that group is gone from the stream (see `letterGroupGone`). */
  groupGone?: boolean;
  /**
   * The groups whose guard knows the entry as processed (the server's `processedBy`): they ack the copy as a
   * duplicate rather than handle it again. The letter's own group among them has processed it since (its cursor
   * moved back over it).
   */
  processedBy?: readonly string[];
}): string {
  const processedSince = group !== '' && processedBy.includes(group);
  const others = processedBy.filter((name) => name !== group);
  if (groupGone) {
    const gone = `${group}, which had dead-lettered it, no longer exists`;
    // Every group there is now had dead-lettered it too: any the server names has processed it since.
    if (everyGroup) {
      const now = 'the groups there are now each had dead-lettered it too';
      return others.length === 0
        ? `${gone}: ${now}, so each handles it again`
        : `${gone}: ${now}; ${processedClause(others, true)}, and the others handle it again`;
    }
    const again =
      merged === 0 ? 'no group handles it again' : 'a group that had dead-lettered it too handles it again';
    return others.length === 0
      ? `${gone}: ${again}`
      : `${gone}: ${again}, and ${processedClause(others, false)}`;
  }
  if (processedSince) {
    const also =
      others.length === 0
        ? ''
        : `, and so ${others.length === 1 ? 'does' : 'do'} ${formatList(others)}, which had processed it`;
    return `${group}, which had dead-lettered it, has processed it since (its cursor moved back over it), so it acks the copy as a duplicate${also}`;
  }
  if (everyGroup) {
    return others.length === 0
      ? 'each had dead-lettered it, so each handles it again'
      : `each had dead-lettered it; ${processedClause(others, true)}, and the others handle it again`;
  }
  // Not every group had dead-lettered it, so there are others; with none named, none of them acks it either.
  // Known by the guards: a mark lost (Redis refusing it) or aged out, or another application's group, goes unseen.
  const noneProcessed =
    "; no group's once-per-ID guard knows it as processed, so every other group handles the copy too";
  if (merged === 0) {
    // A letter another client wrote may name no group: ", which had dead-lettered it" began the sentence.
    const again = `${group === '' ? 'the group' : group}, which had dead-lettered it, handles it again`;
    return others.length === 0
      ? `${again}${noneProcessed}`
      : `${again}, and ${processedClause(others, false)}`;
  }
  // One of the groups named may have dead-lettered it too (its letter merged) and processed it since: "the other
  // groups" then leaves it out of those that handle it again, as "the groups that had dead-lettered it" did not.
  return others.length === 0
    ? `the groups that had dead-lettered it handle it again${noneProcessed}`
    : `${processedClause(others, false)}, and the other groups that had dead-lettered it handle it again`;
}
