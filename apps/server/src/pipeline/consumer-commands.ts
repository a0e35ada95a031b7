import { LIMITS } from '@streamscope/protocol';
import type { ConsumerWorker, EventStream } from '@streamscope/streams';
import { CommandError } from './command-error.js';
import { ACTIVE_WITHIN_MS } from './consumer-activity.js';
import { type ConsumerPool, consumerExists, type RemovalResult } from './consumer-pool.js';
import { refKey } from './consumer-ref.js';
import type { DemoHandlers } from './demo-handler.js';
import type { MembershipChanges } from './membership-changes.js';
import type { ReadersElsewhere } from './readers-elsewhere.js';
import type { SavedChoices } from './saved-choices.js';

/** What the consumer commands work on, and the queue their adds and removals take their turn in. */
export interface ConsumerCommandsOptions {
  readonly stream: EventStream;
  readonly pool: ConsumerPool;
  readonly choices: SavedChoices;
  readonly handlers: DemoHandlers;
  readonly elsewhere: ReadersElsewhere;
  readonly membership: MembershipChanges;
}

/**
 * Adding, removing, pausing and resuming this server's consumers, each saved for a restart without reset, and
 * each refused with a reason when the consumer is another process's or another application's, or when an add
 * would pass the bound on consumers. Adds and removals run among the membership changes, one at a time.
 */
export class ConsumerCommands {
  readonly #options: ConsumerCommandsOptions;
  /** Consumers being added now, by `refKey`: reserved before the add waits on anything. */
  readonly #adding = new Set<string>();

  constructor(options: ConsumerCommandsOptions) {
    this.#options = options;
  }

  /**
   * This server's running worker of the consumer, for a command about it. Not found when no process runs it; a
   * conflict that says so when a Streamscope worker in another process does, as that process's to pause, crash or
   * claim to.
   */
  async worker(group: string, name: string): Promise<ConsumerWorker> {
    const { pool, stream, elsewhere } = this.#options;
    try {
      return pool.get(group, name);
    } catch (error) {
      // Being added or removed here: said as it is.
      if (error instanceof CommandError && error.code === 'conflict') throw error;
      if (pool.closing(group, name)) {
        throw new CommandError(
          'conflict',
          `consumer ${group}/${name} is closing here (a reset or its group's deletion is stopping it): try again once that is done`,
          { cause: error },
        );
      }
      // With Redis away, CLIENT LIST would wait out the reconnect: not found says enough then.
      if (stream.redis.status === 'ready' && (await elsewhere.runsNow(group, name))) {
        throw new CommandError(
          'conflict',
          `consumer ${group}/${name} runs in another Streamscope process, not this one: pause, resume, crash or autoclaim to it there`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Pauses a consumer of this server (see `ConsumerWorker.pause`) and saves that for a restart without reset. */
  async pause(group: string, name: string): Promise<void> {
    const { choices, membership } = this.#options;
    // Among the membership changes, after any removal under way: a removal picks a peer that is not paused to take
    // what the removed consumer holds, and a pause of that peer landing during the handover left every entry
    // waiting on a paused consumer, a running one beside it. The removed consumer's own pause is then not found.
    await membership.change(async () => (await this.worker(group, name)).pause());
    await choices.save({ consumers: [{ group, name }] }, `consumer ${group}/${name} is paused`);
  }

  /** Resumes a consumer of this server and saves that for a restart without reset. */
  async resume(group: string, name: string): Promise<void> {
    const { choices, membership } = this.#options;
    // Queued as pauses are, so one sent after a pause is not overtaken by it.
    await membership.change(async () => (await this.worker(group, name)).resume());
    await choices.save({ consumers: [{ group, name }] }, `consumer ${group}/${name} is resumed`);
  }

  /**
   * Starts a consumer (a conflict when the name is taken). Waits for a reset under way: started during one,
   * its group would be deleted under it.
   */
  async add(group: string, name: string, { groupMustExist = false } = {}): Promise<void> {
    // Reserved at once, before any wait: concurrent adds of one name meet it here (see `refuseNameTakenHere`).
    this.refuseNameTakenHere(group, name);
    const key = refKey(group, name);
    this.#adding.add(key);
    try {
      await this.#add(group, name, groupMustExist);
    } finally {
      this.#adding.delete(key);
    }
  }

  /**
   * Refuses, without waiting on anything, a consumer name this process runs or is adding already: so that of a
   * hundred concurrent adds of one name the ninety-nine others are told it is taken (409) rather than that
   * their client has too many requests running (429), which said nothing about the name.
   */
  refuseNameTakenHere(group: string, name: string): void {
    const { pool } = this.#options;
    if (pool.find(group, name) || this.#adding.has(refKey(group, name))) throw consumerExists(group, name);
  }

  async #add(group: string, name: string, groupMustExist: boolean): Promise<void> {
    const { membership, pool, elsewhere, choices, stream } = this.#options;
    await membership.change(async () => {
      // Checked among the membership changes, after a deletion queued ahead: an add from a group's panel sent as
      // another page deleted that group made it again from 0-0, to re-read the whole stream, without a word.
      if (groupMustExist && !(await stream.infoGroups()).some((known) => known.name === group)) {
        throw new CommandError(
          'not_found',
          `group ${group} does not exist (deleted since it was shown?): create it again first, choosing where it starts`,
        );
      }
      // Each worker holds a Redis connection of its own: unbounded, a script could open them up to Redis's
      // maxclients, which every other client of that Redis shares. (Seeds are the operator's: they count toward
      // the bound but are never refused by it, since seeding does not come through here.)
      if (pool.workers().length >= LIMITS.consumersMax && !pool.find(group, name)) {
        throw new CommandError(
          'refused',
          `this server already runs ${LIMITS.consumersMax} consumers, the most it will; remove one before adding another`,
        );
      }
      await elsewhere.refuseTaken(group, name);
      // Another application's group: a worker here would take its entries and ack them with the demo handler,
      // their real work never done. Joining one is for the operator to ask at start (`--seed`), knowing it.
      if (await choices.isAnotherApplicationsGroup(group)) {
        throw new CommandError(
          'refused',
          `group ${group} was not created by Streamscope: a consumer added here would take its entries from its application's consumers and ack them with the demo handler, their work never done. To join it all the same, start a server with --seed ${group}=<name>`,
        );
      }
      // A group the add creates is Streamscope's, as one `group.create` makes: noted before its worker reads.
      await choices.createGroup(group, '0-0');
      await pool.add(group, name);
      // A new consumer runs: a pause saved for an earlier one of this name (its removal's save failed) is dropped.
      await choices.saveQuietly({ consumers: [{ group, name }] });
    });
  }

  /** Retires a consumer without losing an entry (see `ConsumerPool.remove`), never in the middle of a reset. */
  remove(group: string, name: string): Promise<RemovalResult> {
    const { membership, elsewhere, pool, choices } = this.#options;
    return membership.change(async () => {
      // Not ours: a consumer whose worker runs in another process is that process's to remove.
      if (await elsewhere.runsNow(group, name)) {
        throw new CommandError(
          'conflict',
          `consumer ${group}/${name} is run by a Streamscope worker in another process: remove it there`,
        );
      }
      // Nor another application's consumer: what it holds, handed to a worker here, would be acked with the demo
      // handler, that application's work on it never done.
      if (!pool.find(group, name) && (await choices.isAnotherApplicationsGroup(group))) {
        throw new CommandError(
          'refused',
          `consumer ${group}/${name} is another application's (Streamscope did not create group ${group}): what it holds, handed to a worker here, would be acked with the demo handler, its work never done. Its application is the one to remove it`,
        );
      }
      // Nor one another client reads as now: its entries handed over here would be handled twice, once by each.
      const seen = await elsewhere.seenReading(group, name);
      if (seen !== null) {
        throw new CommandError(
          'conflict',
          `consumer ${group}/${name} is in use: ${seen}. Stop it there first; one that crashed can be removed once Redis has not seen it read for ${ACTIVE_WITHIN_MS / 1000} s`,
        );
      }
      const removal = await pool.remove(group, name);
      // Gone from the pool, it saves as not paused: its entry is deleted.
      await choices.saveQuietly({ consumers: [{ group, name }] });
      this.#options.handlers.recordLetters(
        group,
        removal.deadLettered ?? [],
        'trimmed while pending (found on handover)',
      );
      return removal;
    });
  }
}
