import type { CommandResults } from '@streamscope/protocol';

/** What became of an entry claimed by hand (`pending.claim`), in words, for the answer under the button. */
export function claimFate(result: CommandResults['pending.claim']): string {
  if (result.deadLettered) return 'at the delivery limit, it went to the dead letters';
  if (result.processed) return 'handled and acked';
  return 'its handler failed, or a queued crash dropped it: pending there';
}
