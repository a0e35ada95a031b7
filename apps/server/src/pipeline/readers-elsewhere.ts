import type { EventStream } from '@streamscope/streams';
import { ConnectedConsumers } from '../live/connected-consumers.js';
import { CommandError } from './command-error.js';
import { consumerInRedis, consumersInRedis, seemsActive } from './consumer-activity.js';
import type { ConsumerPool } from './consumer-pool.js';
import { listed } from './consumer-ref.js';

/**
 * Who, besides this process, reads a consumer or a group of the stream: a Streamscope worker in another process
 * (its named connection is open) or, a hint only, any client Redis saw reading lately. Their entries are theirs:
 * handed over, deleted or read again from here, they would be handled twice.
 */
export class ReadersElsewhere {
  readonly #stream: EventStream;
  readonly #pool: ConsumerPool;

  constructor(stream: EventStream, pool: ConsumerPool) {
    this.#stream = stream;
    this.#pool = pool;
  }

  /** The Streamscope workers connected to Redis, in any process (see `ConnectedConsumers.of`). */
  connected(): Promise<ConnectedConsumers | null> {
    return ConnectedConsumers.of(this.#stream);
  }

  /**
   * The consumers Streamscope workers of other processes run on this stream, as `group/name`, for a refusal to
   * name; none when Redis will not say (CLIENT LIST refused).
   */
  async workersElsewhere(): Promise<string[]> {
    const connected = await this.connected();
    return (connected?.all() ?? [])
      .filter(({ group, consumer }) => !this.#here(group, consumer))
      .map(({ group, consumer }) => `${group}/${consumer}`);
  }

  /**
   * Why a reset must not run, or `null` when nothing stops it. A reset deletes the stream, and with it the
   * pending entries of every worker reading it: another process's workers would find their groups gone under
   * them (and their entries with them). `advice` says what to do instead.
   */
  async resetRefusal(advice: string): Promise<string | null> {
    const elsewhere = await this.workersElsewhere();
    if (elsewhere.length === 0) return null;
    return `another Streamscope process runs workers on ${this.#stream.streamKey} (${listed(elsewhere)}): a reset would delete the stream and their pending entries under them. ${advice}`;
  }

  /** Whether a Streamscope worker of another process, and none here, runs this consumer. */
  runs(group: string, name: string, connected: ConnectedConsumers | null): boolean {
    return !this.#here(group, name) && connected?.has(group, name) === true;
  }

  /** Whether this process has a worker of the consumer, running or still closing (its connection still open). */
  #here(group: string, name: string): boolean {
    return this.#pool.find(group, name) !== undefined || this.#pool.closing(group, name);
  }

  /** `runs`, asking Redis now which workers are connected. */
  async runsNow(group: string, name: string): Promise<boolean> {
    return this.runs(group, name, await this.connected());
  }

  /** How lately Redis saw another client read as this consumer, when that was lately enough to seem running. */
  async seenReading(group: string, name: string): Promise<string | null> {
    if (this.#here(group, name)) return null;
    const known = await consumerInRedis(this.#stream, group, name);
    return known && seemsActive(known.idleMs)
      ? `Redis saw it read ${known.idleMs} ms ago, from another client`
      : null;
  }

  /**
   * Two workers under one consumer name would share one PEL, each handing over or deleting the other's
   * entries; so a name held by a Streamscope worker in another process (its named connection is open), or
   * that Redis saw reading in the last few seconds, is taken. (Seeding skips this check: a restarted server
   * takes its own consumers back moments after it stopped.)
   */
  async refuseTaken(group: string, name: string): Promise<void> {
    if (this.#pool.find(group, name)) return; // ours: the pool's own conflict answers it
    if (await this.runsNow(group, name)) {
      throw new CommandError(
        'conflict',
        `consumer ${group}/${name} is in use: a Streamscope worker in another process holds it. Pick another name.`,
        { fields: ['name'] },
      );
    }
    const seen = await this.seenReading(group, name);
    if (seen !== null) {
      throw new CommandError('conflict', `consumer ${group}/${name} is in use: ${seen}. Pick another name.`, {
        fields: ['name'],
      });
    }
  }

  /**
   * The group's consumers that another process reads with, not this one: a Streamscope worker there (its named
   * connection is open, see `runs`) or, with `seenReading`, any client Redis saw reading lately.
   */
  async ofGroup(group: string, { seenReading }: { seenReading: boolean }): Promise<string[]> {
    const connected = await this.connected();
    const known = await consumersInRedis(this.#stream, group);
    const readers = known
      .filter(
        ({ name, idleMs }) =>
          this.runs(group, name, connected) ||
          (seenReading && !this.#pool.find(group, name) && seemsActive(idleMs)),
      )
      .map(({ name }) => name);
    // A worker paused before its first read (a pause a restart brought back) is not in the group's list yet.
    const inGroup = new Set(known.map(({ name }) => name));
    const unlisted = (connected?.consumersOf(group) ?? []).filter(
      (name) => !inGroup.has(name) && this.runs(group, name, connected),
    );
    return [...readers, ...unlisted];
  }
}
