import type { ConsumerWorker, EventStream } from '@streamscope/streams';
import { assertRedisReady, CommandError, redisFailure } from './command-error.js';
import type { ConsumerPool } from './consumer-pool.js';
import { type ConsumerRef, refKey } from './consumer-ref.js';
import { OperatorControls, type SavedControls } from './operator-controls.js';
import { namingOverwrittenKey } from './overwritten-keys.js';
import type { RetentionPolicy } from './retention-policy.js';
import { type StreamOwnership, streamOwnership } from './stream-ownership.js';
import { whenRedisAnswers } from './when-redis-answers.js';

/**
 * Which saved choices to write as they stand now (see `save`): these consumers' pauses, these groups'
 * auto-reapers, the retention policy.
 */
export interface ControlsChanged {
  readonly consumers?: readonly ConsumerRef[];
  readonly groups?: readonly string[];
  readonly retention?: boolean;
  /** Groups deleted through this server: no longer noted as Streamscope's. */
  readonly deletedGroups?: readonly string[];
}

/** What the choices apply to, and where they say what they did in the background. */
export interface SavedChoicesOptions {
  readonly stream: EventStream;
  readonly pool: ConsumerPool;
  readonly retention: RetentionPolicy;
  readonly reapIntervalMs: number;
  readonly log: (what: string, error: unknown) => void;
  /**
   * Hears, each time the stream's groups are read (every second), the groups this process has workers in that the
   * stream no longer has: a paused worker reads nothing, so no failing read of its would tell (see `DemoWorkers`).
   */
  readonly groupsMissing?: (groups: readonly string[]) => void;
}

/** The first wait before saving again choices whose save failed, and the longest (see `#resaveDelayMs`). */
const RESAVE_FIRST_MS = 1_000;
const RESAVE_MAX_MS = 30_000;

/**
 * How often a process reads the saved choices, to follow what another process on the stream changed in them (see
 * `#follow`).
 */
const FOLLOW_INTERVAL_MS = 1_000;

/**
 * The operator's choices in force here — pauses, auto-reap switches, the retention policy — and their copy in
 * Redis (see `OperatorControls`), kept for a restart without reset and shared with every other process on the
 * stream: saved as they are made, saved again once Redis answers when a save failed, and followed as another
 * process changes them.
 */
export class SavedChoices {
  readonly #controls: OperatorControls;
  readonly #stream: EventStream;
  readonly #pool: ConsumerPool;
  readonly #retention: RetentionPolicy;
  readonly #reapIntervalMs: number;
  readonly #log: (what: string, error: unknown) => void;
  readonly #groupsMissing: (groups: readonly string[]) => void;
  readonly #autoReap = new Set<string>();
  /**
   * Groups another application made, as the start found them: never in `#autoReap` (`adopt`, `#followAutoReap`),
   * whatever the controls hash says (a switch saved before the dashboard refused it, or by an older process), since
   * a reaper there would take the entries that application's consumers hold and ack them with the demo handler.
   */
  readonly #foreign = new Set<string>();
  /** Groups this server is creating: its own from before XGROUP CREATE is sent until the note is written. */
  readonly #creating = new Set<string>();
  /** Choices whose save failed (Redis away), saved again as they then stand once it answers (see `save`). */
  readonly #unsavedConsumers = new Map<string, ConsumerRef>();
  readonly #unsavedGroups = new Set<string>();
  #unsavedRetention = false;
  #resaveScheduled = false;
  /**
   * The wait before the next resave: a second, doubled after each one that fails, up to half a minute. A key
   * another client made of another type fails every save until someone deletes it; each second's retry and
   * its log line would go on for as long.
   */
  #resaveDelayMs = RESAVE_FIRST_MS;
  /**
   * Counts the choices made here (and resets), each as it is made: a read of the saved choices sent before one
   * may not hold it yet, so `#follow` drops it rather than undo the choice.
   */
  #choicesMade = 0;
  #followTimer: NodeJS.Timeout | undefined;
  #following = false;
  #closed = false;

  constructor(options: SavedChoicesOptions) {
    this.#stream = options.stream;
    this.#pool = options.pool;
    this.#retention = options.retention;
    this.#reapIntervalMs = options.reapIntervalMs;
    this.#log = options.log;
    this.#groupsMissing = options.groupsMissing ?? (() => {});
    this.#controls = new OperatorControls(options.stream.redis, options.stream.streamKey);
  }

  /** The hash where Streamscope notes its own groups and consumers (see `OperatorControls`). */
  get ownedKey(): string {
    return this.#controls.ownedKey;
  }

  /**
   * The groups noted as Streamscope's, with those being created here (see `createGroup`); `null` when nothing is
   * (see `OperatorControls.ownedGroups`).
   */
  async ownedGroups(): Promise<ReadonlySet<string> | null> {
    const noted = await this.#controls.ownedGroups();
    if (this.#creating.size === 0) return noted;
    return new Set([...(noted ?? []), ...this.#creating]);
  }

  /** What of the stream is another application's (see `streamOwnership`). */
  ownership(): Promise<StreamOwnership> {
    return streamOwnership(this.#stream, this);
  }

  /**
   * Creates the group reading after `startId` (see `EventStream.ensureGroup`) and notes it as Streamscope's;
   * false when it was there already. Between the XGROUP CREATE and the note, a produce's ownership check saw a
   * group not noted yet and refused to append to "another application's" stream.
   */
  async createGroup(group: string, startId: string): Promise<boolean> {
    this.#creating.add(group);
    try {
      const created = await this.#stream.ensureGroup(group, startId);
      if (created) await this.recordOwned([group]);
      return created;
    } finally {
      this.#creating.delete(group);
    }
  }

  /** Whether the stream has this group and Streamscope did not create it: another application's. */
  async isAnotherApplicationsGroup(group: string): Promise<boolean> {
    return (await this.ownership()).foreignGroups.includes(group);
  }

  /** The choices a start without reset brings back, as saved; the ones not valid are logged and left out. */
  async load(): Promise<SavedControls> {
    const saved = await this.#controls.load();
    for (const line of saved.ignored) this.#log('controls', line);
    return saved;
  }

  /**
   * Puts in force the saved auto-reap switches (each its group's, whichever process's workers read it, see
   * `#follow`) and retention policy (the stream's).
   */
  adopt(saved: SavedControls, { foreignGroups }: Pick<StreamOwnership, 'foreignGroups'>): void {
    for (const group of foreignGroups) this.#foreign.add(group);
    for (const group of saved.autoReap) {
      if (this.#foreign.has(group)) {
        this.#log(
          'controls',
          `not switching on the auto-reaper ${this.#controls.key} saves for ${group}: another application's group, whose pending entries its own consumers claim`,
        );
      } else this.#autoReap.add(group);
    }
    if (saved.retentionMaxAgeMs !== null) this.#retention.set(saved.retentionMaxAgeMs);
  }

  autoReapEnabled(group: string): boolean {
    return this.#autoReap.has(group);
  }

  /** The auto-reaper's interval for a worker of the group, `null` while it is off. */
  reapIntervalFor(group: string): number | null {
    return this.#autoReap.has(group) ? this.#reapIntervalMs : null;
  }

  /**
   * Switches the auto-reaper on or off for every worker of the group, present and future, and saves the
   * choice for a restart without reset (see `save` for a save that fails).
   */
  async setAutoReap(group: string, enabled: boolean): Promise<number> {
    if (enabled) this.#autoReap.add(group);
    else this.#autoReap.delete(group);
    const interval = this.reapIntervalFor(group);
    for (const worker of this.#pool.workers())
      if (worker.group === group && isOpen(worker)) worker.setAutoReap(interval);
    await this.save({ groups: [group] }, `auto-reap is ${enabled ? 'on' : 'off'} for ${group}`);
    return this.#reapIntervalMs;
  }

  /**
   * Sets the standing retention policy (`null` stops it) and saves it for a restart without reset (see `save`
   * for a save that fails): a restart that dropped it would let the stream keep what the operator asked to drop.
   */
  async setRetention(maxAgeMs: number | null): Promise<void> {
    this.#retention.set(maxAgeMs);
    await this.save(
      { retention: true },
      maxAgeMs === null
        ? 'the retention policy is stopped'
        : `the retention policy (trim entries older than ${maxAgeMs} ms) is in force`,
    );
  }

  /** A deleted group's switch goes with it. */
  forgetGroup(group: string): void {
    this.#autoReap.delete(group);
  }

  /**
   * Switches everything off and deletes what is saved, in the same step as the stream's DEL goes out: a switch or
   * policy made before it is deleted with it, one made after is saved after it and stays in force (cleared after
   * the DEL's reply, it was saved but not in force).
   */
  async clear(): Promise<void> {
    this.#autoReap.clear();
    this.#retention.set(null);
    this.#choicesMade += 1;
    await this.#controls.clear();
  }

  /**
   * Saves these consumers' pauses, groups' auto-reap switches and the retention policy as they stand now (read
   * in the same step as the write is sent, so a pause still waiting for its read to end, overtaken by a resume,
   * saves "running"). A failed save leaves the choice in force here, since undoing it would be worse (a consumer
   * paused during an incident would run again), and fails the command saying what a restart would lose; the
   * choices are saved again, as they then stand, once Redis answers.
   */
  async save(
    { consumers = [], groups = [], retention = false, deletedGroups = [] }: ControlsChanged,
    done: string,
  ): Promise<void> {
    this.#choicesMade += 1;
    try {
      // With Redis away, the write would wait out a reconnect, 6 to 10 s, before failing: it fails at once.
      assertRedisReady(this.#stream.redis);
      await this.#controls.save({
        deletedGroups,
        consumers: consumers.map(({ group, name }) => {
          const worker = this.#pool.find(group, name);
          return { group, name, paused: worker?.status().paused ?? false, runs: worker !== undefined };
        }),
        groups: groups.map((group) => ({ group, autoReap: this.#autoReap.has(group) })),
        ...(retention ? { retentionMaxAgeMs: this.#retention.maxAgeMs } : {}),
      });
      this.#resaveDelayMs = RESAVE_FIRST_MS;
    } catch (error) {
      for (const ref of consumers) this.#unsavedConsumers.set(refKey(ref.group, ref.name), ref);
      for (const group of groups) this.#unsavedGroups.add(group);
      if (retention) this.#unsavedRetention = true;
      this.#resaveWhenRedisReturns();
      // Written over by another client, the key takes no save until someone deletes it: refused, naming it.
      const overwritten = await namingOverwrittenKey(
        this.#stream.redis,
        [
          { key: this.#controls.key, holds: 'operator choice' },
          { key: this.#controls.ownedKey, holds: 'ownership note' },
        ],
        error,
      );
      if (overwritten !== error && overwritten instanceof CommandError) {
        throw new CommandError(
          'refused',
          `${done} on this server, but a restart without reset would not keep it: ${overwritten.message}`,
          { cause: error },
        );
      }
      // The reason, too: "Redis answers again" read as if it were away when it was out of memory.
      const { code, reason } = redisFailure(error);
      throw new CommandError(
        code,
        `${done} on this server, but saving that in Redis (${this.#controls.key}) failed, so a restart without reset would not keep it; it is saved once Redis takes the write (${reason})`,
        { cause: error },
      );
    }
  }

  /** `save` for a membership change that has happened either way: a failed save is logged, and retried. */
  async saveQuietly(changed: ControlsChanged): Promise<void> {
    await this.save(changed, 'the change is made').catch((error: unknown) => this.#log('controls', error));
  }

  /**
   * Notes in Redis the groups this server created and the seeds it started, so that a `--no-reset` start (of this
   * process or another on the stream) knows them from another client's (see `refuseForeignSeedGroups` and
   * `Pipeline`'s seeding). A failed note is logged: the groups and workers run either way.
   */
  async recordOwned(
    groups: readonly string[],
    consumers: readonly ConsumerRef[] = [],
    { stream = false }: { stream?: boolean } = {},
  ): Promise<void> {
    if (groups.length === 0 && consumers.length === 0 && !stream) return;
    await this.#controls
      .save({ createdGroups: groups, startedConsumers: consumers, ownStream: stream })
      .catch((error: unknown) => this.#log('controls', error));
  }

  /** Saves the choices whose save failed, as they stand then, once Redis answers; retries, backing off. */
  #resaveWhenRedisReturns(): void {
    if (this.#resaveScheduled) return;
    this.#resaveScheduled = true;
    const resave = () => {
      this.#resaveScheduled = false;
      const retention = this.#unsavedRetention;
      if (this.#closed || (this.#unsavedConsumers.size === 0 && this.#unsavedGroups.size === 0 && !retention))
        return;
      const consumers = [...this.#unsavedConsumers.values()];
      const groups = [...this.#unsavedGroups];
      this.#unsavedConsumers.clear();
      this.#unsavedGroups.clear();
      this.#unsavedRetention = false;
      this.save({ consumers, groups, retention }, 'choices whose save failed are in force').catch(
        (error: unknown) => {
          this.#resaveDelayMs = Math.min(this.#resaveDelayMs * 2, RESAVE_MAX_MS);
          this.#log('controls', error);
        },
      );
    };
    whenRedisAnswers(this.#stream.redis, resave, this.#resaveDelayMs);
  }

  startFollowing(): void {
    if (this.#closed || this.#followTimer) return;
    this.#followTimer = setInterval(() => void this.#follow(), FOLLOW_INTERVAL_MS);
    this.#followTimer.unref();
  }

  /** Stops following and saving again; what is saved stays. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#followTimer);
  }

  /**
   * Another Streamscope process on the stream (a second terminal, a dashboard per team) saves its choices in the
   * same hash. The retention policy is the stream's and an auto-reap switch its group's, so each process takes up
   * what is saved, within a second: set or stopped from any dashboard, they are set or stopped in every process,
   * and every dashboard shows them as they stand. A pause is its consumer's, in the one process that runs it:
   * this one notes its own consumers, and their pauses, again when they are missing (a reset elsewhere deleted
   * them), so a restart without reset takes them back as it left them. A choice made here whose save has not
   * landed (Redis away, or the write still on its way) is not undone by a read that predates it; a saved policy
   * that is not valid, or a key of another type (another client's), leaves things here as they are.
   */
  async #follow(): Promise<void> {
    if (this.#following || this.#closed) return;
    this.#following = true;
    try {
      // The groups any page shows, and those with a switch here: a group only another process reads is shown too.
      const onStream = (await this.#stream.infoGroups()).map((info) => info.name);
      const missing = this.#pool.groups().filter((group) => !onStream.includes(group));
      if (missing.length > 0) this.#groupsMissing(missing);
      const groups = [...new Set([...onStream, ...this.#pool.groups(), ...this.#autoReap])];
      const made = this.#choicesMade;
      const workers = this.#pool.running();
      const saved = await this.#controls.readFor(groups, workers);
      if (this.#closed || made !== this.#choicesMade) return;
      if (saved.retentionMaxAgeMs !== undefined) this.#followRetention(saved.retentionMaxAgeMs);
      this.#followAutoReap(groups, saved.autoReap);
      const unnoted = workers.filter((worker) => {
        const key = refKey(worker.group, worker.name);
        return (
          this.#pool.find(worker.group, worker.name) === worker &&
          (!saved.owned.has(key) || saved.paused.has(key) !== worker.status().paused)
        );
      });
      if (unnoted.length > 0) await this.saveQuietly({ consumers: unnoted });
    } catch {
      // Redis away: the next turn reads again.
    } finally {
      this.#following = false;
    }
  }

  #followRetention(saved: number | null): void {
    if (this.#unsavedRetention || saved === this.#retention.maxAgeMs) return;
    this.#retention.set(saved);
    this.#log(
      'controls',
      `${saved === null ? 'stopped the retention policy' : `trimming entries older than ${saved} ms`}, as ${this.#controls.key} now says (another process on the stream changed it, or a reset deleted it)`,
    );
  }

  #followAutoReap(groups: readonly string[], saved: ReadonlySet<string>): void {
    for (const group of groups) {
      const enabled = saved.has(group) && !this.#foreign.has(group);
      if (this.#unsavedGroups.has(group) || enabled === this.#autoReap.has(group)) continue;
      if (enabled) this.#autoReap.add(group);
      else this.#autoReap.delete(group);
      const workers = this.#pool.workers().filter((worker) => worker.group === group && isOpen(worker));
      for (const worker of workers) worker.setAutoReap(this.reapIntervalFor(group));
      if (workers.length === 0) continue;
      this.#log(
        'controls',
        `auto-reap ${enabled ? 'on' : 'off'} for ${group}, as ${this.#controls.key} now says (another process on the stream changed it, or a reset deleted it)`,
      );
    }
  }
}

/** A worker not closing: one a removal is closing takes no auto-reaper (it refuses one), and needs none. */
function isOpen(worker: ConsumerWorker): boolean {
  const { state } = worker.status();
  return state !== 'closing' && state !== 'closed';
}
