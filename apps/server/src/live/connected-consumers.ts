import { type ConnectedWorker, connectedWorkers, type EventStream } from '@streamscope/streams';

/** The consumers of one stream that have a Streamscope worker connected to Redis, in any process. */
export class ConnectedConsumers {
  readonly #keys: Set<string>;
  readonly #workers: readonly ConnectedWorker[];

  constructor(streamKey: string, workers: readonly ConnectedWorker[]) {
    this.#workers = workers.filter((worker) => worker.streamKey === streamKey);
    this.#keys = new Set(this.#workers.map((worker) => key(worker.group, worker.consumer)));
  }

  /** Asks Redis (CLIENT LIST); `null` when it will not say (an ACL without CLIENT LIST). */
  static async of(stream: EventStream): Promise<ConnectedConsumers | null> {
    try {
      return new ConnectedConsumers(stream.streamKey, await connectedWorkers(stream.redis));
    } catch {
      return null;
    }
  }

  /** Every connected worker's group and consumer, once each. */
  all(): { group: string; consumer: string }[] {
    const seen = new Map(
      this.#workers.map(({ group, consumer }) => [key(group, consumer), { group, consumer }]),
    );
    return [...seen.values()];
  }

  has(group: string, consumer: string): boolean {
    return this.#keys.has(key(group, consumer));
  }

  /**
   * The group's consumers with a worker connected, in any process: one paused before its first read is among them,
   * though Redis lists it in the group only once it reads.
   */
  consumersOf(group: string): string[] {
    return [
      ...new Set(this.#workers.filter((worker) => worker.group === group).map((worker) => worker.consumer)),
    ];
  }
}

const key = (group: string, consumer: string) => JSON.stringify([group, consumer]);
