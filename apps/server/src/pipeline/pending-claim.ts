import type { CommandResults } from '@streamscope/protocol';
import type { ConsumerWorker } from '@streamscope/streams';
import { CommandError } from './command-error.js';
import { inHandHere, notPending, readLately } from './pending-refusals.js';

/**
 * `pending.claim`: one pending entry claimed for a consumer of this server, which handles and acks it, as
 * XAUTOCLAIM to selected does with every idle entry of the group (see `ConsumerWorker.claimEntry`). Each refusal
 * says where the entry is and what to do instead.
 */
export async function claimPending(
  worker: ConsumerWorker,
  id: string,
  minIdleMs: number,
): Promise<CommandResults['pending.claim']> {
  const { group, name: consumer } = worker;
  const outcome = await worker.claimEntry(id);
  if (outcome.claimed) {
    const { from, deliveryCount, processed, deadLettered } = outcome;
    return { group, id: outcome.id, consumer, from, deliveryCount, processed, deadLettered };
  }
  switch (outcome.reason) {
    case 'not-pending':
      throw notPending(group, id);
    case 'in-hand':
      throw inHandHere(id, outcome.holder, minIdleMs, 'claimed, it would run twice at once');
    case 'own':
      throw new CommandError('conflict', `${id} is pending with ${consumer} already`);
    case 'idle': {
      const { consumer: holder, idleMs } = outcome.pending;
      throw readLately(id, holder, idleMs, minIdleMs, 'Claim');
    }
    case 'trimmed':
      throw new CommandError(
        'conflict',
        `${id} was trimmed from the stream while pending at ${outcome.pending.consumer}: a claim would drop it from the pending list with no record of it. Dead-letter it (To DLQ), which records it as trimmed`,
      );
  }
}
