import type { CommandResults, DeadLetterView } from '@streamscope/protocol';
import { EntryId } from '../EntryId/EntryId';
import { requeuedFate } from './requeue-reach';

/** What a row's Requeue or Discard answered. */
export type LetterResult = CommandResults['dlq.requeue'] | CommandResults['dlq.discard'];

interface LetterOutcomeProps {
  /** The letter acted on: people know it by its original ID, and its group tells two copies apart. */
  letter: Pick<DeadLetterView, 'originalId' | 'group'>;
  answer: LetterResult;
  /** Of a requeue: whether every group had dead-lettered the entry, as the page saw when Requeue was clicked. */
  everyGroupDeadLettered: boolean;
  /** Of a requeue: whether the letter's group was gone from the stream then (see `letterGroupGone`). */
  groupGone: boolean;
  /**
   * Of a requeue that found its letter gone: the copy was read from the entry's timeline, not answered by the
   * requeue, so which letter went back, and by whose hand, is not known.
   */
  copyFromTimeline?: boolean;
}

/** What a row's Requeue or Discard did, for the feedback line: the row itself leaves with the next snapshot. */
export function LetterOutcome({
  letter,
  answer,
  everyGroupDeadLettered,
  groupGone,
  copyFromTimeline = false,
}: LetterOutcomeProps) {
  const { originalId } = letter;
  if ('requeuedAs' in answer && copyFromTimeline) {
    return (
      <>
        <span className="mono">{originalId}</span> was back on the stream already, as{' '}
        <EntryId id={answer.requeuedAs} />: this letter had left the dead letters, requeued, discarded or
        taken along from another page or client
      </>
    );
  }
  if ('requeuedAs' in answer && answer.alreadyBack) {
    return (
      <>
        <span className="mono">{originalId}</span> was back on the stream already, as{' '}
        <EntryId id={answer.requeuedAs} />: another letter of it was requeued first, so this letter was
        discarded and nothing appended
        {answer.merged > 0 &&
          `; ${answer.merged === 1 ? 'its other letter left' : `its ${answer.merged} other letters left`} the dead letters with it`}
      </>
    );
  }
  if ('requeuedAs' in answer) {
    const fate = requeuedFate({
      group: letter.group,
      merged: answer.merged,
      everyGroup: everyGroupDeadLettered,
      groupGone,
      processedBy: answer.processedBy,
    });
    return (
      <>
        Requeued <span className="mono">{originalId}</span> as <EntryId id={answer.requeuedAs} /> to every
        group; {fate}
        {answer.merged > 0 &&
          `; ${answer.merged === 1 ? 'its other letter (another group’s) left' : `its ${answer.merged} other letters (other groups’) left`} the dead letters with it`}
      </>
    );
  }
  return answer.discarded ? (
    <>
      Discarded <span className="mono">{originalId}</span> (letter of {letter.group}) for good
    </>
  ) : (
    <>
      <span className="mono">{originalId}</span> was no longer in the dead-letter stream
    </>
  );
}
