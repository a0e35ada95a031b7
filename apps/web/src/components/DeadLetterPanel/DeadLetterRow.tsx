import type { DeadLetterView } from '@streamscope/protocol';
import { memo } from 'react';
import { formatClock, formatClockMs } from '../../lib/format';
import { EntryId } from '../EntryId/EntryId';
import { EventType } from '../EventType/EventType';
import { letterReason } from './letter-reason';
import { letterRowText } from './letter-row-text';
import { isTrimmedAway } from './trimmed-away';
import type { LetterAction } from './use-letter-actions';

interface DeadLetterRowProps {
  letter: DeadLetterView;
  /** Whether a requeue or discard of this row is waiting for its answer. */
  busy: boolean;
  /** Whether the letter's group is gone from the stream (deleted since): a requeue then asks first. */
  groupGone: boolean;
  onAction: (letter: DeadLetterView, action: LetterAction) => void;
}

// A dead letter never changes once written; only its busy flag does (`onAction` is stable). Each snapshot
// brings new objects for the same letters, so rows compare by ID.
export const DeadLetterRow = memo(
  function DeadLetterRow({ letter, busy, groupGone, onAction }: DeadLetterRowProps) {
    const type = letter.fields.type ?? '—';
    const trimmedAway = isTrimmedAway(letter);
    // Short enough for the payload's one line; the tooltip says the rest, and what the server cut.
    const { payload, payloadTitle, requeueTitle } = letterRowText(letter);
    return (
      <tr aria-busy={busy}>
        <td className="dlq-stacked">
          <EntryId id={letter.originalId} />
          <EventType type={type} />
          <span className="mono muted dlq-payload" title={payloadTitle}>
            {payload}
          </span>
        </td>
        <td className="mono dlq-stacked">
          <span className="cell-clip dlq-group" title={letter.group}>
            {letter.group}
          </span>
          {groupGone && (
            <span
              className="badge badge-warn"
              title="Deleted since it wrote this letter: no group handles a requeue for it"
            >
              group deleted
            </span>
          )}
          <span className="muted cell-clip" title={letter.consumer}>
            {letter.consumer}
          </span>
        </td>
        <td className="num">{letter.deliveryCount ?? '—'}</td>
        <td className="dlq-reason" title={letter.reason}>
          <span>{letterReason(letter.reason)}</span>
        </td>
        <td className="mono muted" title={formatClockMs(letter.ts)}>
          {formatClock(letter.ts)}
        </td>
        <td>
          <div className="dlq-actions">
            <button
              type="button"
              className="small"
              // The stream has no per-group delivery: the letter names one group, the copy reaches them all.
              aria-label={`Requeue ${letter.originalId} to the stream, for every group (letter of ${letter.group})`}
              title={requeueTitle}
              disabled={busy || trimmedAway}
              onClick={() => onAction(letter, 'requeue')}
            >
              Requeue
            </button>
            <button
              type="button"
              className="small danger"
              aria-label={`Discard ${letter.originalId} (${letter.group})`}
              disabled={busy}
              onClick={() => onAction(letter, 'discard')}
            >
              Discard
            </button>
          </div>
        </td>
      </tr>
    );
  },
  (before, after) =>
    before.letter.id === after.letter.id &&
    before.busy === after.busy &&
    before.groupGone === after.groupGone &&
    before.onAction === after.onAction,
);
