import { type ConnectedWorker, connectedWorkers, type EventStream } from '@streamscope/streams';

/** The consumers of one stream that have a Streamscope worker connected to Redis, in any process. */
export class ConnectedConsumers {
  readonly #keys: Set<string>;

  constructor(streamKey: string, workers: readonly ConnectedWorker[]) {
    this.#keys = new Set(
      workers
        .filter((worker) => worker.streamKey === streamKey)
        .map((worker) => key(worker.group, worker.consumer)),
    );
  }

  /** Asks Redis (CLIENT LIST); `null` when it will not say (an ACL without CLIENT LIST). */
  static async of(stream: EventStream): Promise<ConnectedConsumers | null> {
    try {
      return new ConnectedConsumers(stream.streamKey, await connectedWorkers(stream.redis));
    } catch {
      return null;
    }
  }

  has(group: string, consumer: string): boolean {
    return this.#keys.has(key(group, consumer));
  }
}

const key = (group: string, consumer: string) => JSON.stringify([group, consumer]);
