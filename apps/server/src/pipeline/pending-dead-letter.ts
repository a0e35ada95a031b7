import { type CommandResults, DEAD_LETTERED_BY_HAND } from '@streamscope/protocol';
import type { DeadLetters, EventStream } from '@streamscope/streams';
import { CommandError } from './command-error.js';
import type { DemoHandlers } from './demo-handler.js';
import { anotherApplicationsGroup, inHandHere, notPending, readLately } from './pending-refusals.js';
import type { SavedChoices } from './saved-choices.js';

export interface PendingDeadLetterDeps {
  readonly stream: EventStream;
  readonly deadLetters: DeadLetters;
  readonly choices: SavedChoices;
  readonly handlers: DemoHandlers;
}

/**
 * `pending.deadletter`: parks one pending entry in the dead-letter stream, acked in its group in the same step,
 * once it has been idle the claim threshold (before that, its consumer may have it in hand, and would process an
 * entry that is also a letter). Refused in another application's group, whose entries are its own to park.
 */
export async function deadLetterPending(
  { stream, deadLetters, choices, handlers }: PendingDeadLetterDeps,
  group: string,
  id: string,
): Promise<CommandResults['pending.deadletter']> {
  if (await choices.isAnotherApplicationsGroup(group)) {
    throw anotherApplicationsGroup(group, "its pending entries are that application's to dead-letter or ack");
  }
  const minIdleMs = stream.claimMinIdleMs;
  const outcome = await deadLetters.sendPending(group, id, DEAD_LETTERED_BY_HAND, { minIdleMs });
  if (!outcome.sent) {
    if (outcome.pending === null) throw notPending(group, id);
    const { consumer, idleMs } = outcome.pending;
    if (outcome.inHand !== undefined) {
      throw inHandHere(
        id,
        outcome.inHand,
        minIdleMs,
        'a letter would have it processed too. Dead-letter it once that handling is over, should it stay pending',
      );
    }
    if (idleMs >= minIdleMs) {
      throw new CommandError(
        'conflict',
        `${id} was claimed by another consumer each time it was about to be dead-lettered, now held by ${consumer}: try again`,
      );
    }
    throw readLately(id, consumer, idleMs, minIdleMs, 'Dead-letter');
  }
  const { letterId, consumer, deliveryCount, trimmed } = outcome;
  handlers.recordLetters(group, [{ id: outcome.id, consumer, deliveryCount }], DEAD_LETTERED_BY_HAND);
  return { group, id: outcome.id, letterId, consumer, deliveryCount, trimmed };
}
