import type { ConsumerInfo, GroupInfo } from '@streamscope/streams';

/** How long a large group's consumer list is shown before it is read again (unless its count changed). */
export const LARGE_LIST_REREAD_MS = 1_000;

interface KeptList {
  readonly at: number;
  readonly count: number;
  readonly consumers: readonly ConsumerInfo[];
}

/**
 * XINFO CONSUMERS of each group, for the snapshots. A group's list is read every tick while it is at most
 * `largeOver` long; a longer one is read again only once it is `rereadMs` old or XINFO GROUPS (read every tick
 * anyway) counts another number of consumers, and shown in between with its idle times aged by the wait.
 * Decoding the reply is what costs: 55 to 60 ms of the server's CPU for 20,000 consumers, 2.3 s of every 10
 * at four ticks a second, for a list of which a snapshot shows 200. Meanwhile a large group's per-consumer
 * pending counts may be up to `rereadMs` old; its group figures (pending, lag) and this server's own workers
 * are read fresh every tick.
 */
export class ConsumerLists {
  readonly #largeOver: number;
  readonly #rereadMs: number;
  readonly #kept = new Map<string, KeptList>();

  constructor(largeOver: number, rereadMs = LARGE_LIST_REREAD_MS) {
    this.#largeOver = largeOver;
    this.#rereadMs = rereadMs;
  }

  async of(
    group: Pick<GroupInfo, 'name' | 'consumers'>,
    read: (group: string) => Promise<ConsumerInfo[]>,
    now: number,
  ): Promise<ConsumerInfo[]> {
    const kept = this.#kept.get(group.name);
    if (kept !== undefined && kept.count === group.consumers && now - kept.at < this.#rereadMs) {
      return aged(kept.consumers, now - kept.at);
    }
    const consumers = await read(group.name);
    if (consumers.length > this.#largeOver) {
      this.#kept.set(group.name, { at: now, count: group.consumers, consumers });
    } else {
      this.#kept.delete(group.name);
    }
    return consumers;
  }

  /** Forgets the lists of groups no longer shown (deleted, or left out of the snapshot). */
  keepOnly(groups: readonly string[]): void {
    for (const name of this.#kept.keys()) if (!groups.includes(name)) this.#kept.delete(name);
  }
}

/** The list as it would read `byMs` later, had no consumer read meanwhile: every idle time grown by the wait. */
function aged(consumers: readonly ConsumerInfo[], byMs: number): ConsumerInfo[] {
  return consumers.map((consumer) => ({
    ...consumer,
    idleMs: consumer.idleMs + byMs,
    inactiveMs: consumer.inactiveMs === null ? null : consumer.inactiveMs + byMs,
  }));
}
