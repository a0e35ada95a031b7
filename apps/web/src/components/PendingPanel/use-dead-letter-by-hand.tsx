import type { PendingRowView } from '@streamscope/protocol';
import { useCallback, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';

const NO_PARKED: ReadonlySet<string> = new Set();
const rowKey = (row: Pick<PendingRowView, 'group' | 'id'>) => `${row.group}/${row.id}`;

/**
 * "To DLQ" on a pending entry: the row button's handler, what became of the last one for the panel, and the rows
 * without those parked from here.
 */
export function useDeadLetterByHand() {
  const command = useCommand<'pending.deadletter'>();
  const run = command.run;
  const deadLetterKey = useDashboard((state) => state.hello?.deadLetterKey ?? 'the dead-letter stream');
  // Entries dead-lettered from here, by `group/id`: gone from the table at once, though it holds still under the
  // pointer that clicked. Forgotten once no snapshot lists them: a cursor moved back may make one pending again.
  const [parked, setParked] = useState<ReadonlySet<string>>(NO_PARKED);

  const onDeadLetter = useCallback(
    (group: string, id: string, button: HTMLButtonElement) => {
      // Requeued, a letter goes back on the stream for every group, not only this one: asked first.
      const question = `Dead-letter ${id}? It is acked in ${group} and kept in ${deadLetterKey}; a requeue appends a copy that every group reads.`;
      if (!window.confirm(question)) return;
      // Focus goes on to the next row's button as this row leaves, not to the top of the page: parking a run of
      // poison pills from the keyboard is a Tab-free walk down the table.
      const row = button.closest('tr');
      const neighbour = row?.nextElementSibling ?? row?.previousElementSibling ?? null;
      void run({ type: 'pending.deadletter', group, id }).then((result) => {
        if (result === null) return;
        setParked((current) => new Set(current).add(rowKey({ group, id })));
        if (document.activeElement === button) {
          const next = neighbour?.querySelector<HTMLButtonElement>('button[aria-label^="To DLQ"]');
          (next ?? neighbour?.querySelector<HTMLButtonElement>('button'))?.focus();
        }
      });
    },
    [run, deadLetterKey],
  );

  /** `listed` (what the table shows, perhaps held) without the rows parked from here; `live` is the snapshot's. */
  const withoutParked = (
    listed: readonly PendingRowView[],
    live: readonly PendingRowView[],
  ): readonly PendingRowView[] => {
    if (parked.size === 0) return listed;
    const listedNow = new Set([...live, ...listed].map(rowKey));
    const stillListed = [...parked].filter((key) => listedNow.has(key));
    // React's reset-state-during-render: no extra paint in between.
    if (stillListed.length < parked.size)
      setParked(stillListed.length === 0 ? NO_PARKED : new Set(stillListed));
    return listed.filter((row) => !parked.has(rowKey(row)));
  };

  const { result } = command;
  const note = (
    <ActionFeedback error={command.error} at={command.answeredAt}>
      {result === null ? null : (
        <>
          Dead-lettered <span className="mono">{result.id}</span> of{' '}
          <span className="mono">{result.group}</span>, held by{' '}
          <span className="mono">{result.consumer}</span> after {formatCount(result.deliveryCount)}{' '}
          {result.deliveryCount === 1 ? 'delivery' : 'deliveries'}
          {result.trimmed
            ? ': its payload was trimmed, so there is nothing to requeue'
            : ': requeue it from Dead letters once its handler is fixed'}
        </>
      )}
    </ActionFeedback>
  );
  return { onDeadLetter, withoutParked, note };
}
