import type { EntryView } from '@streamscope/protocol';
import type { DeadLetters, EventStream } from '@streamscope/streams';
import type { TickBuffer } from '../live/tick-buffer.js';
import type { AppendGate } from './append-gate.js';
import { CommandError } from './command-error.js';
import { type ConsumerPool, type StoppedConsumer, standingOf } from './consumer-pool.js';
import { type ConsumerRef, refKey } from './consumer-ref.js';
import type { ContinuousProducer } from './continuous-producer.js';
import type { DemoHandlers } from './demo-handler.js';
import type { LifecycleRecorder } from './lifecycle-recorder.js';
import type { MembershipChanges } from './membership-changes.js';
import { overwrittenKeyReason, overwrittenType } from './overwritten-keys.js';
import { ownKeys } from './own-keys.js';
import type { RunningTotals } from './running-totals.js';
import type { SavedChoices } from './saved-choices.js';
import type { Seeder } from './seeder.js';
import { foreignReason } from './stream-ownership.js';
import { whenRedisAnswers } from './when-redis-answers.js';

/** Everything a reset deletes, stops, forgets or starts again, and where it logs what failed in the background. */
export interface StreamResetOptions {
  readonly stream: EventStream;
  readonly deadLetters: DeadLetters;
  readonly pool: ConsumerPool;
  readonly choices: SavedChoices;
  readonly handlers: DemoHandlers;
  readonly seeder: Seeder;
  readonly appendGate: AppendGate;
  readonly producer: ContinuousProducer;
  readonly membership: MembershipChanges;
  readonly recorder: LifecycleRecorder;
  readonly tailFeed: TickBuffer<EntryView>;
  /** Called once the stream is deleted, before anything is appended to the new one (see `StreamTail.streamRemade`). */
  readonly streamDeleted: () => void;
  readonly totals: RunningTotals;
  readonly log: (what: string, error: unknown) => void;
}

/**
 * The demo's reset: stops every worker, deletes the stream's data, forgets what was shown of it, and starts over
 * from the seeds; cut off by Redis going away, it starts the stopped workers again once Redis is back.
 */
/** How long a reset mark is taken for a reset under way; older, for one a killed process cut off. */
const RESET_UNDER_WAY_MS = 30_000;

/**
 * Whether a reset, of any process, is under way on the stream: its mark (set to its start time before it deletes,
 * cleared once it has cleared the notes it deletes) stands, and is younger than a reset takes. An older one a killed
 * process left, finished at the next `--no-reset` start: waiting on it, a caller would wait for good.
 */
export async function resetUnderWay(stream: EventStream): Promise<boolean> {
  const since = Number(await stream.redis.get(ownKeys.resetting(stream.streamKey)));
  return Number.isFinite(since) && Date.now() - since < RESET_UNDER_WAY_MS;
}

export class StreamReset {
  readonly #options: StreamResetOptions;
  /**
   * The resets of this server that began deleting, counted as each begins (before its DEL): a page tells a stream
   * this server deleted from one deleted under it (see the snapshot's `resets`), also from a snapshot taken midway.
   */
  #begun = 0;

  get begun(): number {
    return this.#begun;
  }

  constructor(options: StreamResetOptions) {
    this.#options = options;
  }

  /**
   * The reset a client asked for; the caller runs it among the membership changes. Refused, with nothing
   * stopped, while Redis is away or when the stream is not all Streamscope's.
   */
  async run(): Promise<{ groups: number; consumers: number }> {
    const { stream, choices, producer, appendGate } = this.#options;
    // Redis first: with it away, a reset would stop every worker and then fail to delete or re-seed.
    await stream.redis.ping();
    // Another client's value over the key: not a stream to reset, and refused before any worker is stopped.
    const type = await overwrittenType(stream.redis, stream.streamKey);
    if (type !== null) {
      throw new CommandError(
        'refused',
        `${overwrittenKeyReason({ key: stream.streamKey, holds: 'entry' }, type)}; a reset deletes only a stream`,
      );
    }
    const foreign = foreignReason(await choices.ownership(), stream.streamKey);
    if (foreign !== null) {
      throw new CommandError(
        'refused',
        `${foreign}: Streamscope resets only a stream that is all its own, as a reset deletes the stream with every group and its pending entries`,
      );
    }
    // Before the gate: the producer's own append, queued behind the reset, would wait forever for it.
    await producer.stop();
    return appendGate.alone(() => this.#deleteAndSeed());
  }

  /**
   * Deletes the stream, its DLQ, the saved choices and the guards, and notes the key as Streamscope's: what a
   * reset, and a start that resets, begin with.
   */
  async deleteData(): Promise<void> {
    const { stream, handlers, deadLetters, choices, seeder } = this.#options;
    // Every group the stream had, not only those seeded or handled here: another process's groups, and groups
    // a restart left unrun, have guards too (of up to 100,000 IDs each). None when there is no stream; any other
    // failure to ask stops the reset before it deletes anything, rather than leaving those guards behind.
    const hadGroups = (await stream.infoGroups()).map((group) => group.name);
    // The keys go one after another: a process killed between two left the old stream's pauses, policy and
    // letters for a --no-reset start to apply to a new stream. Marked first, cleared last, a cut-off reset is
    // found and finished at the next start (see `wasCutOff`).
    const resetting = ownKeys.resetting(stream.streamKey);
    await stream.redis.set(resetting, String(Date.now()));
    this.#begun += 1;
    try {
      await stream.deleteStream();
    } catch (error) {
      // Nothing deleted: the stream stands, and its workers go back to it. Left, the mark would have the next
      // start finish a reset that never began, over whatever the stream holds by then.
      await stream.redis.del(resetting).catch(() => {});
      throw error;
    }
    this.#options.streamDeleted();
    handlers.forgetRedeliveries();
    await deadLetters.clear();
    await choices.clear();
    await handlers.clearGuards([...hadGroups, ...seeder.seeds.map((seed) => seed.group)]);
    // The key is Streamscope's from here, whatever it seeds: noted, its appends and resets are not refused as
    // those of another application's stream (see `streamOwnership`), also with no seed (`--seed none`).
    await choices.recordOwned([], [], { stream: true });
    await stream.redis.del(resetting);
  }

  /** Whether a reset began deleting this stream's keys and never finished (the process was killed meanwhile). */
  async wasCutOff(): Promise<boolean> {
    const { stream } = this.#options;
    return (await stream.redis.exists(ownKeys.resetting(stream.streamKey))) === 1;
  }

  async #deleteAndSeed(): Promise<{ groups: number; consumers: number }> {
    const { pool } = this.#options;
    // As they stand: cut off, the reset starts them again so (a consumer paused during an incident stays paused).
    const stopped = pool
      .workers()
      .map((worker) => ({ group: worker.group, name: worker.name, ...standingOf(worker) }));
    await pool.closeAll();
    try {
      return await this.#deleteAndSeedAfresh();
    } catch (error) {
      // Redis went away half-way: the workers are stopped; they start again as soon as it is back, as they stood,
      // or afresh once the reset is finished, if it had begun deleting.
      this.#seedWhenRedisReturns(stopped);
      throw error;
    }
  }

  /** With every worker stopped: the stream's data deleted, what was shown of it forgotten, the seeds started. */
  async #deleteAndSeedAfresh(): Promise<{ groups: number; consumers: number }> {
    const { recorder, tailFeed, handlers, totals, seeder } = this.#options;
    await this.deleteData();
    // What the old stream's workers and tail did up to here and the pages were not sent yet goes with it: sent
    // at the next tick, after the reset's answer, it refilled a live feed the page had just cleared.
    recorder.clear();
    tailFeed.clear();
    handlers.counters.clear();
    totals.restart();
    // Nothing to restore: the stream, with every consumer Redis had, was just deleted.
    const { groups, consumers } = await seeder.seed('none');
    return { groups, consumers };
  }

  /**
   * Seeds (under the membership queue) once Redis answers again, retrying each second until it works, and
   * restarts the `stopped` consumers whose group outlived the cut-off reset (see `Seeder.seed`), as they stood:
   * paused, crashes queued. Their pauses and notes as Streamscope's are saved again, as the reset may have
   * deleted them. A reset cut off once it had begun deleting (its mark stands) is finished first, as asked: left,
   * its mark had the next `--no-reset` start finish it over the stream as it stood by then, deleting it.
   */
  #seedWhenRedisReturns(stopped: readonly (ConsumerRef & Omit<StoppedConsumer, 'name'>)[]): void {
    const { membership, seeder, pool, choices, log, stream } = this.#options;
    const paused = new Set(stopped.filter((ref) => ref.paused).map(({ group, name }) => refKey(group, name)));
    const seed = () => {
      if (membership.closed) return;
      void membership
        .serially(async () => {
          if (await this.wasCutOff()) {
            await this.#deleteAndSeedAfresh();
            return;
          }
          await seeder.seed(stopped, paused);
          const back = stopped.filter(({ group, name }) => pool.find(group, name));
          for (const { group, name, crashQueued } of back) {
            const worker = pool.find(group, name);
            // Not one the server's close has begun to stop: it reads nothing again.
            if (crashQueued > 0 && worker?.status().state === 'running') worker.crashNext(crashQueued);
          }
          await choices.saveQuietly({ consumers: back });
        })
        .catch((error: unknown) => {
          log('reset', error);
          this.#seedWhenRedisReturns(stopped);
        });
    };
    whenRedisAnswers(stream.redis, seed, 1_000);
  }
}
