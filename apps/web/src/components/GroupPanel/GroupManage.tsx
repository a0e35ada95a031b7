import type { CommandResults, GroupView } from '@streamscope/protocol';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCommand } from '../../hooks/use-command';
import { formatCount, formatCountOf, formatNullable } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { GroupPositionField } from './GroupPositionField';
import { type PositionChoice, positionOf } from './group-position';
import { moveConsequence, movePosition, moveRefusal } from './move-question';

const MOVE_CHOICES = {
  $: 'The end: skip the backlog ($)',
  '0-0': 'The start: read it all again (0-0)',
  id: 'After an ID…',
} as const;

interface GroupManageProps {
  group: GroupView;
  onDeleted: (result: CommandResults['group.delete']) => void;
}

/**
 * The group itself, behind a disclosure so it stays out of the way: moving its cursor (XGROUP SETID), which asks
 * first and says what it would deliver again or skip, and deleting it (XGROUP DESTROY), which asks first and says
 * what it would forget.
 */
export function GroupManage({ group, onDeleted }: GroupManageProps) {
  // No position chosen to begin with: each one delivers entries again or skips them, and the start was the
  // default, one click from delivering the whole stream again.
  const [choice, setChoice] = useState<PositionChoice | null>(null);
  const [typedId, setTypedId] = useState('');
  // The position the move question is about; `null` while none is asked.
  const [moveAsked, setMoveAsked] = useState<string | null>(null);
  const streamLength = useDashboard((state) => state.snapshot?.stream.length ?? 0);
  const newest = useDashboard(
    useShallow((state) => ({
      lastGeneratedId: state.snapshot?.stream.lastGeneratedId ?? null,
      lastEntryId: state.snapshot?.stream.lastEntryId ?? null,
    })),
  );
  const moveButton = useRef<HTMLButtonElement>(null);
  const moveQuestion = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (moveAsked !== null) moveQuestion.current?.focus();
  }, [moveAsked]);
  const [confirming, setConfirming] = useState(false);
  const [discardPending, setDiscardPending] = useState(false);
  const discardId = useId();
  const move = useCommand<'group.setid'>();
  const remove = useCommand<'group.delete'>();
  const deleteButton = useRef<HTMLButtonElement>(null);
  // The question takes focus when it replaces the button: focus on the button it replaced fell to the page's top.
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (confirming) question.current?.focus();
  }, [confirming]);
  const here = group.consumers.filter((consumer) => consumer.worker !== null).length;

  // Move cursor (and Enter in the ID field) asks; only the question's own button moves the cursor.
  const onMove = (event: FormEvent) => {
    event.preventDefault();
    if (choice === null) return; // the select is required: the browser refuses the form first
    const typed = positionOf(choice, typedId);
    const position = movePosition(typed);
    if (position === null) {
      // A mistyped ID moves nothing: sent as it is, it is refused beside its field with the reason.
      setMoveAsked(null);
      void move.run({ type: 'group.setid', group: group.name, id: typed });
      return;
    }
    const refusal = moveRefusal(position, newest);
    if (refusal !== null) {
      setMoveAsked(null);
      move.refuseValue('id', refusal);
      return;
    }
    move.clear();
    setMoveAsked(position);
  };
  const onConfirmMove = async (position: string) => {
    const result = await move.run({ type: 'group.setid', group: group.name, id: position });
    // Refused, the question stays with its answer, as the delete's does.
    if (result === null) return;
    setMoveAsked(null);
    // The question and its button are gone: focus goes back where the move began, under which its answer is said.
    moveButton.current?.focus();
  };
  // Another position chosen or typed: the question was about the one before.
  const onChoice = (next: PositionChoice) => {
    setChoice(next);
    setMoveAsked(null);
  };
  const onTypedId = (next: string) => {
    setTypedId(next);
    setMoveAsked(null);
  };
  const cancelMove = () => {
    setMoveAsked(null);
    moveButton.current?.focus();
  };
  const onDelete = async (event: FormEvent) => {
    event.preventDefault();
    const result = await remove.run({ type: 'group.delete', group: group.name, discardPending });
    // On success the panel leaves with the group at the next snapshot; refused, the question stays with its answer.
    if (result === null) return;
    setConfirming(false);
    onDeleted(result);
  };
  const cancel = () => {
    setConfirming(false);
    setDiscardPending(false);
    remove.clear();
    deleteButton.current?.focus();
  };

  return (
    <details className="group-manage">
      <summary>
        Cursor and deletion<span className="sr-only"> of {group.name}</span>
      </summary>
      <form className="group-move" onSubmit={onMove} onInvalid={move.refuse} aria-busy={move.pending}>
        <div className="form-row">
          <GroupPositionField
            label="Move cursor to"
            about={`(group ${group.name})`}
            choices={MOVE_CHOICES}
            choice={choice}
            onChoice={onChoice}
            placeholder="Choose a position…"
            typedId={typedId}
            onTypedId={onTypedId}
            typedIdValidity={move.field('id')}
          />
          <button ref={moveButton} type="submit" aria-label={`Move cursor of ${group.name} (XGROUP SETID)`}>
            Move cursor
          </button>
        </div>
        {moveAsked === null ? (
          <p className="row-note">
            Back, entries are delivered again and the ones already processed count as duplicates; forward, the
            ones skipped are never delivered to this group. Pending entries stay with their consumers.
          </p>
        ) : (
          <div className="group-move-confirm">
            <p ref={moveQuestion} tabIndex={-1}>
              Move the cursor of <strong>{group.name}</strong> to <span className="mono">{moveAsked}</span>?{' '}
              {moveConsequence(moveAsked, {
                group: group.name,
                lastDeliveredId: group.lastDeliveredId,
                lag: group.lag,
                streamLength,
              })}{' '}
              Pending entries stay with their consumers.
            </p>
            <div className="form-row">
              <button type="button" className="danger" onClick={() => void onConfirmMove(moveAsked)}>
                Move {group.name} to {moveAsked}
              </button>
              <button type="button" onClick={cancelMove}>
                Cancel
              </button>
            </div>
          </div>
        )}
        <ActionFeedback error={move.error} at={move.answeredAt} errorId={move.errorId}>
          {move.result === null ? null : (
            <>
              Moved from <span className="mono">{move.result.from}</span> to{' '}
              <span className="mono">{move.result.to}</span>: lag {formatNullable(move.result.lag)},{' '}
              {formatCount(move.result.pending)} pending left with their consumers
            </>
          )}
        </ActionFeedback>
      </form>

      {confirming ? (
        <form className="group-delete-confirm" onSubmit={onDelete} aria-busy={remove.pending}>
          <p ref={question} tabIndex={-1}>
            Delete <strong>{group.name}</strong>?{' '}
            {here === 0
              ? 'No consumer of it runs on this server.'
              : here === 1
                ? 'Its consumer on this server stops first.'
                : `Its ${here} consumers on this server stop first.`}{' '}
            {group.pending === 0
              ? 'It holds no pending entries.'
              : `It holds ${formatCountOf(group.pending, 'pending entry', 'pending entries')}: ${
                  here === 0
                    ? 'deleted, they would be forgotten, never acked, so the delete is refused unless you forget them.'
                    : 'those its consumers here have in hand they finish and ack as they stop; any others would be forgotten, never acked, and the delete is refused then unless you forget them.'
                }`}
          </p>
          {group.pending === 0 ? null : (
            <div className="checkbox">
              <input
                id={discardId}
                type="checkbox"
                checked={discardPending}
                onChange={(event) => setDiscardPending(event.target.checked)}
              />
              <label htmlFor={discardId}>Forget its pending entries</label>
            </div>
          )}
          <div className="form-row">
            {/* Never disabled for pending entries: a group at work always has some, its consumers' batches in hand. */}
            <button type="submit" className="danger">
              Delete {group.name}
            </button>
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </div>
          <ActionFeedback error={remove.error} at={remove.answeredAt} />
        </form>
      ) : (
        <div className="form-row">
          <button
            ref={deleteButton}
            type="button"
            className="danger"
            aria-label={`Delete group ${group.name} (XGROUP DESTROY)`}
            onClick={() => setConfirming(true)}
          >
            Delete group
          </button>
        </div>
      )}
    </details>
  );
}
