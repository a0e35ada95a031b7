import { LIMITS, nameSchema } from '@streamscope/protocol';
import type { EventStream } from '@streamscope/streams';
import type { ConnectedConsumers } from '../live/connected-consumers.js';
import { CommandError } from './command-error.js';
import { consumersInRedis } from './consumer-activity.js';
import type { ConsumerPool } from './consumer-pool.js';
import { type ConsumerRef, fromRefKey, type GroupSeed, listed, refKey } from './consumer-ref.js';
import type { ReadersElsewhere } from './readers-elsewhere.js';
import type { SavedChoices } from './saved-choices.js';

/** What a start (or re-seed) started: `consumers` in all, `restored` of them not seeds but found in Redis. */
export interface SeedResult {
  readonly groups: number;
  readonly consumers: number;
  readonly restored: number;
  /**
   * Of those, the seed groups that were on the stream already (a start without reset takes them up where they
   * stood, rather than creating them), and the consumers started in any group this seeding did not create.
   */
  readonly resumed: { readonly groups: number; readonly consumers: number };
  /** The consumers that started paused, as saved (see `SavedChoices`): they read nothing until resumed. */
  readonly paused: readonly ConsumerRef[];
}

/**
 * The startup line of a seeding, as it happened: groups created are seeded; groups found are resumed (a
 * `--no-reset` start said "Seeded" of groups it only took up again); a consumer that came back paused is named on a
 * line of its own, since it processes nothing until someone resumes it.
 */
export function seedingLines({ groups, consumers, restored, resumed, paused }: SeedResult): string[] {
  const created = groups - resumed.groups;
  const seeded = `${consumers - resumed.consumers} consumer(s) across ${created}`;
  let line = `Seeded ${seeded} group(s)`;
  if (resumed.groups > 0 || resumed.consumers > 0) {
    // Restored consumers are found in Redis, so in groups that were there: they are said with the resumed ones.
    const restoredNote = restored > 0 ? `, ${restored} of them restored from Redis` : '';
    line = `Resumed ${resumed.consumers} consumer(s) across ${resumed.groups} existing group(s)${restoredNote}`;
    if (created > 0) line += `; seeded ${seeded} new group(s)`;
  }
  if (paused.length === 0) return [line];
  const names = paused.map(({ group, name }) => `${group}/${name}`);
  return [
    line,
    `Came back paused, as saved before the restart, reading nothing until resumed: ${listed(names)}`,
  ];
}

/**
 * Which consumers besides the seeds to start again, of those Redis still has: none (the stream was just
 * deleted), every one of the seed groups (a start without reset), or the ones named (a reset cut off before
 * its DEL; see `Seeder.seed`).
 */
export type Restore =
  | 'none'
  | { readonly seedGroups: true; readonly ours: ReadonlySet<string> }
  | readonly ConsumerRef[];

/** What seeding starts consumers in, and where it says what it left alone. */
export interface SeederOptions {
  readonly stream: EventStream;
  readonly pool: ConsumerPool;
  readonly choices: SavedChoices;
  readonly elsewhere: ReadersElsewhere;
  readonly seeds: readonly GroupSeed[];
  readonly log: (what: string, error: unknown) => void;
}

/**
 * Creates the seed groups and starts their consumers, and starts again the consumers Redis still has that a
 * start or a cut-off reset asks for, leaving alone those another process or client holds.
 */
export class Seeder {
  readonly #options: SeederOptions;

  constructor(options: SeederOptions) {
    this.#options = options;
  }

  /** The groups and consumers this process runs from the start: the operator's `--seed`, or the demo's. */
  get seeds(): readonly GroupSeed[] {
    return this.#options.seeds;
  }

  /**
   * Starts the seeds, then the consumers `restore` asks for that Redis still has: they may hold pending entries
   * no one else will process. On a start without reset that is every consumer of the seed groups (one the user
   * added before the restart, say); after a reset cut off before its DEL, the consumers it stopped. Those gone
   * with the stream (or removed since) stay gone, as after a reset that finished. Restored consumers count
   * toward the bound on adds (the seeds are never refused by it); the ones past it are named, not started, as
   * are those whose names the API refuses (another client's), which this server could not manage.
   */
  async seed(
    restore: Restore,
    paused: ReadonlySet<string> = new Set(),
    leaveDeleted: ReadonlySet<string> = new Set(),
  ): Promise<SeedResult> {
    const { log, pool, choices, elsewhere } = this.#options;
    // A name a live worker of another process holds is left to it: two workers under one name would share one
    // PEL. (This process's own earlier connections are gone: a dead process's sockets close.) Redis's idle
    // time is not asked, unlike on an add: a restarted server takes its own consumers back moments after it
    // stopped, while Redis still counts them as active.
    const connected = await elsewhere.connected();
    const seeds = this.seeds.filter((seed) => !leaveDeleted.has(seed.group));
    let consumers = 0;
    /** Groups this seeding created; a consumer started in any other resumes a group that stood. */
    const created = new Set<string>();
    let resumedConsumers = 0;
    const startedPaused: ConsumerRef[] = [];
    const start = async (group: string, name: string): Promise<boolean> => {
      const sayRunElsewhere = () =>
        log(
          'seed',
          `consumer ${group}/${name} is run by a Streamscope worker in another process; not starting it here too`,
        );
      if (elsewhere.runs(group, name, connected)) {
        sayRunElsewhere();
        return false;
      }
      if (!pool.find(group, name)) {
        const startsPaused = paused.has(refKey(group, name));
        try {
          await pool.add(group, name, { paused: startsPaused });
        } catch (error) {
          // Another process started it at the same moment (see `ConsumerPool.add`).
          if (!(error instanceof CommandError && error.code === 'conflict')) throw error;
          sayRunElsewhere();
          return false;
        }
        if (startsPaused) startedPaused.push({ group, name });
      }
      consumers += 1;
      if (!created.has(group)) resumedConsumers += 1;
      return true;
    };
    const seedNames = new Set<string>();
    const started: ConsumerRef[] = [];
    for (const { group, consumers: names } of seeds) {
      if (await choices.createGroup(group, '0-0')) created.add(group);
      for (const name of names) {
        seedNames.add(refKey(group, name));
        if (await start(group, name)) started.push({ group, name });
      }
    }
    await choices.recordOwned([], started);
    let restored = 0;
    const overBound: string[] = [];
    const unnamed: string[] = [];
    const others: string[] = [];
    for (const { group, name } of await this.#restorable(restore)) {
      // Seeds were started (or left to another process, and said so) above.
      if (seedNames.has(refKey(group, name)) || pool.find(group, name)) continue;
      // Another client's consumer in a group Streamscope seeds: what it holds is that client's to finish. (One a
      // Streamscope worker of another process runs is Streamscope's whatever the notes say: `start` says so.)
      if (
        restore !== 'none' &&
        'ours' in restore &&
        !restore.ours.has(refKey(group, name)) &&
        !elsewhere.runs(group, name, connected)
      ) {
        others.push(JSON.stringify(`${group}/${name}`));
        continue;
      }
      // A name another client gave (`bad name`, `__proto__`, bytes that are not UTF-8) is one the API refuses:
      // run here, its worker could be neither paused nor removed, and came back on every restart; a name not
      // UTF-8 reads back with U+FFFD in it, so its worker would even read as a new consumer, not this one.
      if (!nameSchema.safeParse(name).success) unnamed.push(JSON.stringify(`${group}/${name}`));
      else if (pool.workers().length >= LIMITS.consumersMax) overBound.push(`${group}/${name}`);
      else if (await start(group, name)) restored += 1;
    }
    if (others.length > 0) {
      log(
        'seed',
        `not restoring ${others.length} consumer(s) Redis has in the seed groups (${listed(others)}): Streamscope did not add them, so they are another client's, and what they hold is left to it`,
      );
    }
    if (unnamed.length > 0) {
      log(
        'seed',
        `not restoring ${unnamed.length} consumer(s) Redis still has (${listed(unnamed)}): their names are ones this server's API refuses (it takes up to ${LIMITS.nameMax} ASCII letters, digits and _ . : -); what they hold waits for an autoclaim`,
      );
    }
    if (restore !== 'none' && 'ours' in restore) await this.#sayLeftWithoutWorker(restore.ours, connected);
    if (overBound.length > 0) {
      log(
        'seed',
        `not restoring ${overBound.length} consumer(s) Redis still has (${listed(overBound)}): this server runs at most ${LIMITS.consumersMax} consumers; what they hold waits for an autoclaim, or for their removal, which hands it to a running peer`,
      );
    }
    return {
      groups: seeds.length,
      consumers,
      restored,
      resumed: { groups: seeds.length - created.size, consumers: resumedConsumers },
      paused: startedPaused,
    };
  }

  /**
   * Names the consumers Streamscope ran before (`ours`, as saved) in groups outside this process's seeds that Redis
   * still has and no Streamscope worker runs, here or elsewhere: a start without reset leaves them, as their group
   * may be another process's pool, and said nothing, so a group made on the dashboard came back with every
   * consumer "no worker" and its work waiting. The line says how to run them.
   */
  async #sayLeftWithoutWorker(
    ours: ReadonlySet<string>,
    connected: ConnectedConsumers | null,
  ): Promise<void> {
    const { stream, pool, elsewhere, log } = this.#options;
    const seedGroups = new Set(this.seeds.map((seed) => seed.group));
    const noted = new Map<string, Set<string>>();
    for (const key of ours) {
      const { group, name } = fromRefKey(key);
      if (seedGroups.has(group) || pool.find(group, name) || elsewhere.runs(group, name, connected)) continue;
      noted.set(group, (noted.get(group) ?? new Set()).add(name));
    }
    const left: GroupSeed[] = [];
    for (const [group, names] of noted) {
      const inRedis = (await consumersInRedis(stream, group)).map((consumer) => consumer.name);
      const consumers = inRedis.filter((name) => names.has(name));
      if (consumers.length > 0) left.push({ group, consumers });
    }
    if (left.length === 0) return;
    const refs = left.flatMap(({ group, consumers }) => consumers.map((name) => `${group}/${name}`));
    const seedFlags = [...this.seeds, ...left]
      .map(({ group, consumers }) => `--seed ${group}=${consumers.join(',')}`)
      .join(' ');
    log(
      'seed',
      `not starting ${refs.length} consumer(s) Streamscope ran before in groups outside this process's seeds (${listed(refs)}): such a group may be another process's pool, and no Streamscope worker runs them now, so what they hold waits; add them again on the dashboard, or start with ${seedFlags}`,
    );
  }

  /**
   * The consumers `restore` asks for that Redis has, by group in XINFO order. Only the seed groups are ever
   * listed whole: another group on the stream may be another Streamscope process's pool (`--seed`), and its
   * consumers, stopped or not, are that process's to take back.
   */
  async #restorable(restore: Restore): Promise<ConsumerRef[]> {
    const { stream } = this.#options;
    if (restore === 'none') return [];
    const whole = 'seedGroups' in restore;
    const named = whole ? null : new Set(restore.map((ref) => refKey(ref.group, ref.name)));
    const groups = whole ? this.seeds.map((seed) => seed.group) : restore.map((ref) => ref.group);
    const found: ConsumerRef[] = [];
    for (const group of new Set(groups)) {
      for (const { name } of await consumersInRedis(stream, group)) {
        if (named === null || named.has(refKey(group, name))) found.push({ group, name });
      }
    }
    return found;
  }
}
