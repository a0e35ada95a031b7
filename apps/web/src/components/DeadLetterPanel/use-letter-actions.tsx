import type { DeadLetterView } from '@streamscope/protocol';
import { useCallback, useState } from 'react';
import { CommandError } from '../../socket/command-error';
import { type IssuedCommand, issueCommand } from '../../socket/socket-client';
import { useDashboard } from '../../store/store';
import { groupIsRead } from './group-is-read';
import { LetterOutcome, type LetterResult } from './LetterOutcome';
import { failedFeedback, type LetterFeedback } from './letter-feedback';
import { noRoomAdvice } from './requeue-all-summary';
import { everyGroupDeadLettered, goneGroupQuestion, letterGroupGone, requeuedAsFrom } from './requeue-reach';

export type LetterAction = 'requeue' | 'discard';

interface LetterActionsOptions {
  /**
   * Drops a letter from the loaded older pages, or with `originalOf` every letter of its entry: the live list
   * drops them with the next snapshot. Stable.
   */
  forget: (letter: DeadLetterView, options?: { originalOf?: boolean }) => void;
  /** The loaded older pages now: an entry's letters in other groups may be there, not in the live list. Stable. */
  olderNow: () => readonly DeadLetterView[];
  /** The shared feedback line's (`useLetterFeedback`): stable. */
  awaitRow: (requestId: string) => void;
  settleRow: (requestId: string, next: LetterFeedback) => void;
}

/** The copy the entry of `originalId` was put back as, by its timeline; `null` when none, or when it cannot tell. */
async function requeuedCopyOf(originalId: string): Promise<string | null> {
  try {
    const { result } = issueCommand({ type: 'entry.history', id: originalId }, { quiet: true });
    return requeuedAsFrom((await result).events);
  } catch {
    return null;
  }
}

/**
 * A row's Requeue and Discard: which rows wait for their answer, and a stable `onAction` for the memoised rows. Each
 * answer goes to the feedback line above the table, which shows it only if nothing was done since.
 */
export function useLetterActions({ forget, olderNow, awaitRow, settleRow }: LetterActionsOptions) {
  const [busy, setBusy] = useState<ReadonlySet<string>>(() => new Set());
  const onAction = useCallback(
    (letter: DeadLetterView, action: LetterAction) => {
      // Which groups had dead-lettered the entry is read now: its letters leave with the requeue.
      const { snapshot } = useDashboard.getState();
      const reach = {
        groups: snapshot?.groups.map((group) => group.name) ?? null,
        groupsOmitted: snapshot?.groupsOmitted ?? 0,
      };
      const groupGone = letterGroupGone(letter.group, reach);
      // Requeued for a group deleted since, the work it parked is done by no one: asked first, not said after.
      if (action === 'requeue' && groupGone && !window.confirm(goneGroupQuestion(letter))) return;
      // The commands take the letter's own ID in the dead-letter stream; people know it by its original ID.
      const { requestId, result }: IssuedCommand<LetterResult> =
        action === 'requeue'
          ? issueCommand({ type: 'dlq.requeue', id: letter.id })
          : issueCommand({ type: 'dlq.discard', id: letter.id });
      const everyGroup = everyGroupDeadLettered(letter.originalId, {
        ...reach,
        letters: [letter, ...(snapshot?.dlq.newest ?? []), ...olderNow()],
      });
      awaitRow(requestId);
      setBusy((current) => new Set(current).add(letter.id));
      const settle = (next: LetterFeedback, { merged = 0, gone = false } = {}) => {
        // Gone from the dead-letter stream: the live list drops it with the next snapshot, the loaded pages here,
        // with the entry's letters of other groups the requeue discarded (left listed, their Requeue said "no
        // dead letter"). A letter another page or client took first is gone all the same: its row goes too.
        if (next.error === null || gone) forget(letter, { originalOf: merged > 0 });
        setBusy((current) => {
          const rest = new Set(current);
          rest.delete(letter.id);
          return rest;
        });
        settleRow(requestId, next);
      };
      const answered = (
        answer: LetterResult,
        options: { merged?: number; gone?: boolean; copyFromTimeline?: boolean },
      ) =>
        settle(
          {
            error: null,
            done: (
              <LetterOutcome
                letter={letter}
                answer={answer}
                everyGroupDeadLettered={everyGroup}
                groupGone={groupGone}
                copyFromTimeline={options.copyFromTimeline ?? false}
              />
            ),
          },
          options,
        );
      result.then(
        (answer) => answered(answer, { merged: 'merged' in answer ? answer.merged : 0 }),
        async (error: unknown) => {
          const gone = error instanceof CommandError && error.code === 'not_found';
          // Gone, with its entry back on the stream: another page's requeue took it along (two pages requeueing
          // two groups' letters of one poison pill) or requeued it first. Said as such, not as a failure.
          const copy = action === 'requeue' && gone ? await requeuedCopyOf(letter.originalId) : null;
          if (copy !== null) {
            answered(
              { id: letter.id, requeuedAs: copy, merged: 0, alreadyBack: true, processedBy: [] },
              { gone: true, copyFromTimeline: true },
            );
            return;
          }
          const label = `${action === 'requeue' ? 'Requeue' : 'Discard'} ${letter.originalId}`;
          // The server names the letter by its ID in the dead-letter stream, which the page does not show: said
          // as what most likely happened, by whose hand.
          const said = gone
            ? new Error(
                'this letter had already left the dead-letter stream (requeued or discarded from another page or client, or trimmed by its cap), so nothing was done',
              )
            : error instanceof CommandError && error.code === 'refused'
              ? new Error(noRoomAdvice(error.message, groupIsRead))
              : error;
          settle(failedFeedback(label, said), { gone });
        },
      );
    },
    [forget, olderNow, awaitRow, settleRow],
  );
  return { busy, onAction };
}
