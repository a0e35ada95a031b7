import { CommandError } from './command-error.js';

/**
 * Why an action on one pending entry picked by hand (a claim, a dead letter) did not happen, in the words both
 * say it with: the entry is no longer where the table showed it, or not yet safe to take from its consumer.
 */
export function notPending(group: string, id: string): CommandError {
  return new CommandError(
    'not_found',
    `${id} is not pending in group ${group}: it was acked or dead-lettered already, or never delivered there`,
    { fields: ['id'] },
  );
}

/** Read under the claim threshold ago: its consumer may have it in hand. `action` as in "Claim it". */
export function readLately(
  id: string,
  consumer: string,
  idleMs: number,
  minIdleMs: number,
  action: string,
): CommandError {
  return new CommandError(
    'conflict',
    `${id} was read by ${consumer} ${seconds(idleMs)} ago, under the claim threshold of ${seconds(minIdleMs)}: it may be in hand there. ${action} it once it is claimable`,
  );
}

/** A worker of this server is handling it, slower than the claim threshold: taken, it would run twice. */
export function inHandHere(id: string, holder: string, minIdleMs: number, consequence: string): CommandError {
  return new CommandError(
    'conflict',
    `${id} is in hand at ${holder} on this server, its handling slower than the claim threshold of ${seconds(minIdleMs)}: ${consequence}`,
  );
}

/**
 * A paused consumer takes on nothing more, claims included: its worker would handle and ack the entries claimed
 * into it while it read nothing else, its card saying paused over a count of entries processed.
 */
export function pausedTarget(group: string, consumer: string): CommandError {
  return new CommandError(
    'conflict',
    `consumer ${group}/${consumer} is paused and takes on nothing, claims included: resume it first, or claim into another consumer`,
    { fields: ['consumer'] },
  );
}

/**
 * Another application's group (Streamscope did not create it; a `--seed` may have joined it): what its consumers
 * hold is that application's to claim, park or ack. `consequence` says why the action would undo that.
 */
export function anotherApplicationsGroup(group: string, consequence: string): CommandError {
  return new CommandError(
    'refused',
    `group ${group} is another application's (Streamscope did not create it): ${consequence}`,
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
