import type { DeadLetterView } from '@streamscope/protocol';
import { useShallow } from 'zustand/react/shallow';
import { useDashboard } from '../../store/store';
import { DeadLetterRow } from './DeadLetterRow';
import { emptyText } from './empty-text';
import { letterGroupGone } from './requeue-reach';
import type { LetterAction } from './use-letter-actions';

interface DeadLetterTableProps {
  /** Newest first: the live list, then the older pages loaded. */
  letters: readonly DeadLetterView[];
  /** Letters dead-lettered since this server started, for what an empty table says. */
  total: number | null;
  /** IDs of the letters whose requeue or discard is waiting for its answer. */
  busy: ReadonlySet<string>;
  /** Stable, so the memoised rows re-render only when their busy flag changes. */
  onAction: (letter: DeadLetterView, action: LetterAction) => void;
}

/** The dead letters shown, one row each with its Requeue and Discard buttons, or a line saying there are none. */
export function DeadLetterTable({ letters, total, busy, onAction }: DeadLetterTableProps) {
  // By name, compared element by element: a snapshot's new array of the same groups re-renders no row.
  const groups = useDashboard(
    useShallow((state) => state.snapshot?.groups.map((group) => group.name) ?? null),
  );
  const groupsOmitted = useDashboard((state) => state.snapshot?.groupsOmitted ?? 0);
  if (letters.length === 0) return <p className="empty">{emptyText(total)}</p>;
  return (
    <div className="table-wrap dlq-table">
      <table className="data-table">
        <caption className="sr-only">Dead letters, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Original ID / type</th>
            <th scope="col">Group / consumer</th>
            <th scope="col" className="num">
              Deliveries
            </th>
            <th scope="col">Reason</th>
            <th scope="col">Time</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {letters.map((letter) => (
            <DeadLetterRow
              key={letter.id}
              letter={letter}
              busy={busy.has(letter.id)}
              groupGone={letterGroupGone(letter.group, { groups, groupsOmitted })}
              onAction={onAction}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
