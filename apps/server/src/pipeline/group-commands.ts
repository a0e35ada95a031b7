import { type CommandResults, pastNewest } from '@streamscope/protocol';
import {
  compareEntryIds,
  type EventStream,
  type GroupInfo,
  GroupNotFoundError,
  LAST_ENTRY_ID,
} from '@streamscope/streams';
import { CommandError, isRedisUnavailable } from './command-error.js';
import type { ConsumerPool, StoppedConsumer } from './consumer-pool.js';
import { listed } from './consumer-ref.js';
import type { DemoHandlers } from './demo-handler.js';
import type { ReadersElsewhere } from './readers-elsewhere.js';
import type { SavedChoices } from './saved-choices.js';
import { whenRedisAnswers } from './when-redis-answers.js';

/** What the group commands work on, and how they take their turn among membership changes. */
export interface GroupCommandsOptions {
  readonly stream: EventStream;
  readonly pool: ConsumerPool;
  readonly choices: SavedChoices;
  readonly handlers: DemoHandlers;
  readonly elsewhere: ReadersElsewhere;
  /** Runs a task after the membership changes (resets, adds, removals, group commands) queued before it. */
  readonly serially: (task: () => Promise<void>) => Promise<void>;
  /** Whether the pipeline's close has begun: work put off until Redis answers is then dropped. */
  readonly closed: () => boolean;
  readonly log: (what: string, error: unknown) => void;
}

/**
 * Creating, moving and deleting consumer groups (XGROUP CREATE, SETID, DESTROY), each refused with a reason while
 * it would cost entries: a cursor past the newest entry, a move back under another process's readers, a delete of
 * a group others read or one holding pending entries. The caller runs each among the membership changes, one at
 * a time.
 */
export class GroupCommands {
  readonly #stream: EventStream;
  readonly #pool: ConsumerPool;
  readonly #choices: SavedChoices;
  readonly #handlers: DemoHandlers;
  readonly #elsewhere: ReadersElsewhere;
  readonly #serially: (task: () => Promise<void>) => Promise<void>;
  readonly #closed: () => boolean;
  readonly #log: (what: string, error: unknown) => void;

  constructor(options: GroupCommandsOptions) {
    this.#stream = options.stream;
    this.#pool = options.pool;
    this.#choices = options.choices;
    this.#handlers = options.handlers;
    this.#elsewhere = options.elsewhere;
    this.#serially = options.serially;
    this.#closed = options.closed;
    this.#log = options.log;
  }

  /**
   * A new group (XGROUP CREATE) reading after `startId`, with no consumers yet; a conflict when the name is taken.
   * A position past the newest entry is refused: the group would silently skip entries not written yet.
   */
  async create(group: string, startId: string): Promise<CommandResults['group.create']> {
    if (startId !== '$') await this.#refuseBeyondNewest(startId, 'startId');
    if (!(await this.#choices.createGroup(group, startId))) {
      throw new CommandError('conflict', `group ${group} already exists on ${this.#stream.streamKey}`, {
        fields: ['group'],
      });
    }
    // A new group has processed nothing, whatever a guard of that name (left by another client's delete) says.
    await this.#handlers.forgetGroup(group);
    const info = await this.#groupInfo(group);
    return { group, startId, lastDeliveredId: info.lastDeliveredId, lag: info.lag };
  }

  /**
   * Moves a group's cursor (XGROUP SETID): back, and its consumers read again what it had read, the ones it had
   * processed counted as duplicates by its once-per-ID guard; forward, and what lies between is never delivered
   * to it. Its pending entries stay with their consumers either way.
   */
  async setPosition(group: string, id: string): Promise<CommandResults['group.setid']> {
    if (id !== '$') await this.#refuseBeyondNewest(id, 'id');
    await this.#refuseAnotherApplications(
      group,
      'moved, its consumers would process again what they had processed, or never be handed what it skips',
      'XGROUP SETID',
    );
    await this.#refuseRewindElsewhere(group, id);
    // A worker blocked on `>` reads from the new cursor the moment an append wakes it, before the script's reply
    // is here: until then every `>` delivery asks the guard (a lookup too many for a forward move, nothing more).
    const known = this.#handlers.redeliveredThrough(group);
    this.#handlers.setRedeliveredThrough(group, LAST_ENTRY_ID);
    let moved: { before: GroupInfo; after: GroupInfo };
    try {
      moved = await this.#stream.setGroupId(group, id);
    } catch (error) {
      this.#handlers.setRedeliveredThrough(group, known);
      if (error instanceof GroupNotFoundError) {
        throw new CommandError('not_found', `no group ${group} on ${this.#stream.streamKey}`, {
          cause: error,
        });
      }
      throw error;
    }
    const { before, after } = moved;
    // Moved back, `>` reads hand out again what the group had read, up to where its cursor stood: the guard
    // must be asked about those. Entries past that were never delivered to it.
    const through =
      compareEntryIds(after.lastDeliveredId, before.lastDeliveredId) < 0 &&
      (known === undefined || compareEntryIds(before.lastDeliveredId, known) > 0)
        ? before.lastDeliveredId
        : known;
    this.#handlers.setRedeliveredThrough(group, through);
    return {
      group,
      from: before.lastDeliveredId,
      to: after.lastDeliveredId,
      lag: after.lag,
      pending: after.pending,
    };
  }

  /**
   * Deletes a group (XGROUP DESTROY) once this server's consumers of it have stopped, each finishing and acking
   * its batch. Refused, with everything left running, while a consumer of it runs elsewhere, or while it holds
   * pending entries and `discardPending` is not set: they would be forgotten, never acked.
   */
  async delete(group: string, discardPending: boolean): Promise<CommandResults['group.delete']> {
    const info = await this.#groupInfo(group);
    await this.#refuseAnotherApplications(
      group,
      'deleted, its consumers would lose their pending entries and every read would fail',
      'XGROUP DESTROY',
    );
    // Read in the same step as XINFO's reply: what this server's consumers have in hand, they finish and ack as
    // they stop, so only the rest would be forgotten. (A group at work always has some pending.)
    const inHand = this.#pool
      .workers()
      .filter((worker) => worker.group === group)
      .reduce((sum, worker) => sum + worker.status().inHand, 0);
    await this.#refuseReadElsewhere(group);
    const refusePending = (pending: number, stopped: boolean) => {
      if (pending > 0 && !discardPending) {
        const entries = `${pending} pending entr${pending === 1 ? 'y' : 'ies'}`;
        throw new CommandError(
          'refused',
          `group ${group} holds ${entries} ${stopped ? 'that its consumers here left unacked as they stopped (they are running again)' : 'that no consumer of it here is at work on'}, which deleting it would forget, never acked: claim or ack them first, or delete it forgetting them (discardPending; on the dashboard, "Forget its pending entries")`,
        );
      }
    };
    refusePending(info.pending - inHand, false);
    const stopped = await this.#pool.closeGroup(group);
    let pending: number;
    try {
      // Their last batches may have left some pending (a failed handler, a crash queued).
      pending = (await this.#stream.pendingSummary(group)).count;
      refusePending(pending, true);
      await this.#stream.deleteGroup(group);
    } catch (error) {
      // The group stands: its consumers go back to work as they were, now or, with Redis away, once it answers.
      if (isRedisUnavailable(error)) this.#restartWhenRedisReturns(group, stopped);
      else await this.#restartStopped(group, stopped);
      throw error;
    }
    const consumersStopped = stopped.map(({ name }) => name);
    await this.#forgetDeleted(group, consumersStopped);
    return { group, consumersStopped, pendingDiscarded: pending };
  }

  /**
   * Starts again, as they stood (paused, crashes queued), the consumers a group delete stopped before it was cut
   * off; only those, and only if the group still stands. One whose DESTROY ran, its reply lost, is forgotten as a
   * finished delete is: its consumers, started again, would have made the group anew from 0-0.
   */
  async #restartStopped(group: string, stopped: readonly StoppedConsumer[]): Promise<void> {
    if (!(await this.#stream.infoGroups()).some((info) => info.name === group)) {
      await this.#forgetDeleted(
        group,
        stopped.map(({ name }) => name),
      );
      return;
    }
    for (const { name, ...standing } of stopped) {
      if (this.#pool.find(group, name)) continue;
      // Another process may have taken the name while it was stopped: it is that one's now.
      await this.#pool.add(group, name, standing).catch((error: unknown) => {
        if (!(error instanceof CommandError && error.code === 'conflict')) throw error;
        this.#log('group delete', `${error.message} Not starting it here again.`);
      });
    }
  }

  /** `#restartStopped` under the membership queue once Redis answers again, retrying until it works. */
  #restartWhenRedisReturns(group: string, stopped: readonly StoppedConsumer[]): void {
    const restart = () => {
      if (this.#closed()) return;
      void this.#serially(() => this.#restartStopped(group, stopped)).catch((error: unknown) => {
        this.#log('group delete', error);
        this.#restartWhenRedisReturns(group, stopped);
      });
    };
    whenRedisAnswers(this.#stream.redis, restart, 1_000);
  }

  /** What this process kept of a deleted group: its guard, counters, auto-reaper, and the notes of it as ours. */
  async #forgetDeleted(group: string, consumers: readonly string[]): Promise<void> {
    // The note that it was deleted first, the guard after: a process killed while the guard's DEL ran (a large
    // guard takes a while) left no note, and its next start made the group again from 0-0, redoing its work.
    this.#choices.forgetGroup(group);
    await this.#choices.saveQuietly({
      consumers: consumers.map((name) => ({ group, name })),
      groups: [group],
      deletedGroups: [group],
    });
    await this.#handlers.forgetGroup(group);
  }

  /**
   * A move back of a group a Streamscope worker in another process reads: that process's handlers take what `>`
   * hands out again for first deliveries, as only this process knows of the rewind, and would do it all again
   * without asking the guard. Moved from that process's server, they ask it. (A move forward is harmless.)
   */
  async #refuseRewindElsewhere(group: string, id: string): Promise<void> {
    const { lastDeliveredId } = await this.#groupInfo(group);
    if (id === '$' || compareEntryIds(id, lastDeliveredId) >= 0) return;
    const elsewhere = await this.#elsewhere.ofGroup(group, { seenReading: false });
    if (elsewhere.length > 0) {
      // Read from here too, it can be moved from neither server until one side's consumers are gone.
      const where = this.#pool.workers().some((worker) => worker.group === group)
        ? 'This server reads it too: remove its consumers on one of the two servers, then move it from the other'
        : 'Move it from the server that runs them';
      throw new CommandError(
        'conflict',
        `group ${group} is read by Streamscope workers in another process (${listed(elsewhere)}): moved back from here, they would process again what they had processed, as only this server would know to ask the group's once-per-ID guard. ${where}`,
      );
    }
  }

  /**
   * A group Streamscope did not create is another application's: its cursor and its existence are that
   * application's to change. Redis's idle times cannot tell whether its consumers are at work (on Redis 7.0 one
   * blocked on an empty stream looks idle), so the refusal does not wait for them to seem gone.
   */
  async #refuseAnotherApplications(group: string, consequence: string, command: string): Promise<void> {
    if (!(await this.#choices.isAnotherApplicationsGroup(group))) return;
    throw new CommandError(
      'refused',
      `group ${group} was not created by Streamscope: it is another application's, and ${consequence}. Run ${command} yourself if that is what you mean`,
    );
  }

  /** The group as XINFO GROUPS reports it; not found when the stream has no such group. */
  async #groupInfo(group: string): Promise<GroupInfo> {
    const info = (await this.#stream.infoGroups()).find((candidate) => candidate.name === group);
    if (!info) throw new CommandError('not_found', `no group ${group} on ${this.#stream.streamKey}`);
    return info;
  }

  /** A cursor past the stream's newest ID would skip, unseen, entries not written yet; `field` gave the ID. */
  async #refuseBeyondNewest(id: string, field: string): Promise<void> {
    const info = await this.#stream.infoStreamSummary();
    const refusal = pastNewest(id, info ?? { lastGeneratedId: null, lastEntryId: null }, compareEntryIds);
    if (refusal !== null) throw new CommandError('bad_request', refusal, { fields: [field] });
  }

  /**
   * A group read by a Streamscope worker in another process, or by a client Redis saw reading lately, is in use:
   * deleting it would fail their every read.
   */
  async #refuseReadElsewhere(group: string): Promise<void> {
    const elsewhere = await this.#elsewhere.ofGroup(group, { seenReading: true });
    if (elsewhere.length > 0) {
      throw new CommandError(
        'conflict',
        `group ${group} is in use elsewhere: ${listed(elsewhere)} ${elsewhere.length === 1 ? 'reads' : 'read'} it from another process or client. Stop ${elsewhere.length === 1 ? 'it' : 'them'} there first`,
      );
    }
  }
}
