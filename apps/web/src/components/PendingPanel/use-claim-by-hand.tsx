import { useCallback } from 'react';
import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { claimFate } from './claim-fate';
import { focusAfterRowLeaves } from './use-rows-done-here';

/** "Claim" on a pending entry: the row button's handler, and what became of the last one for the panel. */
export function useClaimByHand(markDone: (row: { group: string; id: string }) => void) {
  const command = useCommand<'pending.claim'>();
  const run = command.run;

  // Not asked first, as XAUTOCLAIM to selected is not: the entry goes to a consumer that handles it, and stays
  // pending there should its handler fail.
  const onClaim = useCallback(
    (group: string, id: string, consumer: string, button: HTMLButtonElement) => {
      const refocus = focusAfterRowLeaves(button, 'Claim');
      void run({ type: 'pending.claim', group, id, consumer }).then((result) => {
        // Failed or dropped, it is pending at its new consumer: the next snapshot shows it so.
        if (result === null || !(result.processed || result.deadLettered)) return;
        markDone({ group, id });
        refocus();
      });
    },
    [run, markDone],
  );

  const { result } = command;
  const note = (
    <ActionFeedback error={command.error} at={command.answeredAt}>
      {result === null ? null : (
        <>
          Claimed <span className="mono">{result.id}</span> of <span className="mono">{result.group}</span>{' '}
          for <span className="mono">{result.consumer}</span> from <span className="mono">{result.from}</span>{' '}
          (delivery {formatCount(result.deliveryCount)}): {claimFate(result)}
        </>
      )}
    </ActionFeedback>
  );
  return { onClaim, note };
}
