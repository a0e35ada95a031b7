import type { CommandResults, GroupView } from '@streamscope/protocol';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { formatCount, formatNullable } from '../../lib/format';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { GroupPositionField } from './GroupPositionField';
import { type PositionChoice, positionOf } from './group-position';

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
 * The group itself, behind a disclosure so it stays out of the way: moving its cursor (XGROUP SETID) and deleting
 * it (XGROUP DESTROY), which asks first and says what it would forget.
 */
export function GroupManage({ group, onDeleted }: GroupManageProps) {
  const [choice, setChoice] = useState<PositionChoice>('0-0');
  const [typedId, setTypedId] = useState('');
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

  const onMove = (event: FormEvent) => {
    event.preventDefault();
    void move.run({ type: 'group.setid', group: group.name, id: positionOf(choice, typedId) });
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
            onChoice={setChoice}
            typedId={typedId}
            onTypedId={setTypedId}
            typedIdValidity={move.field('id')}
          />
          <button type="submit" aria-label={`Move cursor of ${group.name} (XGROUP SETID)`}>
            Move cursor
          </button>
        </div>
        <p className="row-note">
          Back, entries are delivered again and the ones already processed count as duplicates; forward, the
          ones skipped are never delivered to this group. Pending entries stay with their consumers.
        </p>
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
              : `It holds ${formatCount(group.pending)} pending entries: those its consumers here have in hand they finish and ack as they stop; any others would be forgotten, never acked, and the delete is refused unless you forget them.`}
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
