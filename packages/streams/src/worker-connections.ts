import type { Redis } from 'ioredis';
import { redisCommand } from './errors.js';

const PREFIX = 'streamscope-worker:';

export interface ConnectedWorker {
  /**
   * The connection's Redis client ID (`ConsumerWorker.connectionId()` for one's own). IDs only grow, so of two
   * connections the lower one was opened first.
   */
  readonly id: number;
  readonly streamKey: string;
  readonly group: string;
  readonly consumer: string;
}

/**
 * The client name of a worker's blocking connection. Redis lists open connections by name (CLIENT LIST), so
 * any process can tell which consumers have a live worker somewhere: XINFO CONSUMERS cannot, as Redis 7.0
 * leaves a consumer's idle time running while its blocking reads come back empty. Each part is
 * percent-encoded: CLIENT SETNAME refuses spaces, and the separators stay unambiguous.
 */
export function workerConnectionName(streamKey: string, group: string, consumer: string): string {
  return PREFIX + [streamKey, group, consumer].map(encodeURIComponent).join('/');
}

/** Every worker connection open to this Redis, from CLIENT LIST (normal clients only). */
export async function connectedWorkers(redis: Redis): Promise<ConnectedWorker[]> {
  const list = String(
    await redisCommand('CLIENT LIST', () => redis.call('CLIENT', 'LIST', 'TYPE', 'normal')),
  );
  const workers: ConnectedWorker[] = [];
  for (const line of list.split('\n')) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
    const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
    if (!name.startsWith(PREFIX) || id === undefined) continue;
    const parts = name.slice(PREFIX.length).split('/');
    if (parts.length !== 3) continue;
    try {
      const [streamKey = '', group = '', consumer = ''] = parts.map(decodeURIComponent);
      workers.push({ id: Number(id), streamKey, group, consumer });
    } catch {
      // Not one of ours after all (malformed percent-encoding): skip it.
    }
  }
  return workers;
}
