import type { DeadLetterView, LifecycleEventView } from '@streamscope/protocol';
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

/**
 * What the groups do with a requeued entry, after "Requeued 5-0 as 9-0 to every group": those that had
 * dead-lettered it handle it again; a group that had processed it acks it as a duplicate. "Those that had processed
 * it ack it as a duplicate" was said of an entry every group had dead-lettered, which none had processed.
 *
 * @example
 * requeuedFate({ group: 'analytics', merged: 0, everyGroup: false });
 * // 'analytics, which had dead-lettered it, handles it again, and a group that had processed it acks it as a duplicate'
 */
export function requeuedFate({
  group,
  merged,
  everyGroup,
  groupGone = false,
  processedSince = false,
}: {
  /** The group whose letter was requeued. */
  group: string;
  /** The entry's other letters, of other groups, that left with it. */
  merged: number;
  everyGroup: boolean;
  /** Whether that group is gone from the stream (see `letterGroupGone`). */
  groupGone?: boolean;
  /**
   * Whether that group's guard knows the entry as processed since (its cursor moved back over it): it acks the copy
   * as a duplicate rather than handle it again (the server's `processedBy`).
   */
  processedSince?: boolean;
}): string {
  if (groupGone) {
    const gone = `${group}, which had dead-lettered it, no longer exists`;
    // Every group there is now had dead-lettered it too: none had processed it, so none acks it as a duplicate.
    if (everyGroup)
      return `${gone}: the groups there are now each had dead-lettered it too, so each handles it again`;
    const others =
      merged === 0 ? 'no group handles it again' : 'a group that had dead-lettered it too handles it again';
    return `${gone}: ${others}, and a group that had processed it acks it as a duplicate`;
  }
  if (processedSince && group !== '') {
    return `${group}, which had dead-lettered it, has processed it since (its cursor moved back over it), so it acks the copy as a duplicate, and so does any other group that had processed it`;
  }
  if (everyGroup) return 'each had dead-lettered it, so each handles it again';
  const again =
    merged === 0
      ? // A letter another client wrote may name no group: ", which had dead-lettered it" began the sentence.
        `${group === '' ? 'the group' : group}, which had dead-lettered it, handles it again`
      : 'the groups that had dead-lettered it handle it again';
  return `${again}, and a group that had processed it acks it as a duplicate`;
}
