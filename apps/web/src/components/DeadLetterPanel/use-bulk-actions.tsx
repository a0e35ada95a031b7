import type { DeadLetterView } from '@streamscope/protocol';
import { type Dispatch, type ReactNode, type SetStateAction, useState } from 'react';
import { formatCount } from '../../lib/format';
import { issueCommand } from '../../socket/socket-client';
import { discardAllQuestion, requeueAllQuestion } from './bulk-questions';
import { groupIsRead } from './group-is-read';
import { failedFeedback, type LetterFeedback } from './letter-feedback';
import { NO_LETTERS, olderAfterRequeueAll } from './older-pages';
import { requeueAllSummary } from './requeue-all-summary';

interface BulkActionsOptions {
  /** The newest letter shown: both act on the letters up to it, and leave any written since. */
  newestId: string | undefined;
  deadLetterKey: string | null;
  /** Letters in the dead-letter stream, and how many of them could go back (null when not all are loaded). */
  length: number;
  requeueable: number | null;
  setOlder: Dispatch<SetStateAction<readonly DeadLetterView[]>>;
  /** The shared feedback line's (`useLetterFeedback`). */
  settleBulk: (next: LetterFeedback) => void;
}

/**
 * "Discard all" and "Requeue all", each after a confirmation. Hundreds of letters (a poison storm) were hundreds of
 * Discard clicks: one XTRIM takes all the page has seen, up to the newest letter shown, and leaves any written
 * since. Once the bug behind them is fixed, "Requeue all" puts them back the same way. One runs at a time: both act
 * on the same letters.
 */
export function useBulkActions({
  newestId,
  deadLetterKey,
  length,
  requeueable,
  setOlder,
  settleBulk,
}: BulkActionsOptions) {
  const [busy, setBusy] = useState(false);
  const runBulk = async (
    label: 'Discard all' | 'Requeue all',
    question: (key: string) => string,
    act: (through: string) => Promise<ReactNode>,
  ) => {
    if (newestId === undefined || deadLetterKey === null) return;
    if (!window.confirm(question(deadLetterKey))) return;
    setBusy(true);
    let next: LetterFeedback;
    try {
      next = { error: null, done: await act(newestId) };
    } catch (error) {
      next = failedFeedback(label, error);
    }
    setBusy(false);
    settleBulk(next);
  };
  const discardAll = () =>
    runBulk(
      'Discard all',
      (key) => discardAllQuestion(length, key),
      async (through) => {
        const { discarded } = await issueCommand({ type: 'dlq.purge', through }).result;
        setOlder(NO_LETTERS);
        return (
          <>
            Discarded <strong>{formatCount(discarded)}</strong> dead letter{discarded === 1 ? '' : 's'} for
            good
          </>
        );
      },
    );
  const requeueAll = () =>
    runBulk(
      'Requeue all',
      (key) => requeueAllQuestion(requeueable, length, key),
      async (through) => {
        const answer = await issueCommand({ type: 'dlq.requeue-all', through }).result;
        setOlder((current) => olderAfterRequeueAll(current, answer));
        return requeueAllSummary(answer, groupIsRead);
      },
    );
  return { busy, discardAll, requeueAll };
}
