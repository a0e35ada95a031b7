import { useCallback } from 'react';
import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { focusAfterRowLeaves } from './use-rows-done-here';

/** "To DLQ" on a pending entry: the row button's handler, and what became of the last one for the panel. */
export function useDeadLetterByHand(markDone: (row: { group: string; id: string }) => void) {
  const command = useCommand<'pending.deadletter'>();
  const run = command.run;
  const deadLetterKey = useDashboard((state) => state.hello?.deadLetterKey ?? 'the dead-letter stream');

  const onDeadLetter = useCallback(
    (group: string, id: string, button: HTMLButtonElement, trimmed: boolean) => {
      // Requeued, a letter goes back on the stream for every group, not only this one: asked first. One whose
      // payload was trimmed has nothing to requeue: the question promised a copy the answer then said was not.
      const question = trimmed
        ? `Dead-letter ${id}? It is acked in ${group} and recorded in ${deadLetterKey} (reason: dead-lettered by hand) without its payload, which was trimmed from the stream: there is nothing to requeue.`
        : `Dead-letter ${id}? It is acked in ${group} and kept in ${deadLetterKey}; a requeue appends a copy that every group reads.`;
      if (!window.confirm(question)) return;
      const refocus = focusAfterRowLeaves(button, 'To DLQ');
      void run({ type: 'pending.deadletter', group, id }).then((result) => {
        if (result === null) return;
        markDone({ group, id });
        refocus();
      });
    },
    [run, deadLetterKey, markDone],
  );

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
  return { onDeadLetter, note };
}
