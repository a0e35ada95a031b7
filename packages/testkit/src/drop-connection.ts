import type { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

/** What an append cut off by a dropped connection answered, and what the stream holds afterwards. */
export interface CutAppend {
  /** How many IDs the append answered with, or what it failed with. */
  readonly outcome: number | unknown;
  readonly appended: number;
}

/**
 * Drops `connection` (CLIENT KILL from `admin`, as a network drop or a Redis restart quicker than the first
 * reconnect would) once `append` has put its first entries in `streamKey`, and reports what came of it.
 */
export async function dropConnectionDuringAppend(
  connection: Redis,
  admin: Redis,
  streamKey: string,
  append: () => Promise<readonly string[]>,
): Promise<CutAppend> {
  const id = String(await connection.client('ID'));
  const appending = append().then(
    (ids) => ids.length,
    (error: unknown) => error,
  );
  await waitFor('the first entries appended', async () => (await admin.xlen(streamKey)) > 0, {
    intervalMs: 1,
  });
  await admin.call('CLIENT', 'KILL', 'ID', id);
  const outcome = await appending;
  // A new connection, not merely 'ready': when the append was answered in full before the kill landed, the
  // old connection still says 'ready' until its close arrives, and a command sent on it fails as dropped.
  await waitFor('a new connection', async () => {
    if (connection.status !== 'ready') return false;
    return String(await connection.client('ID').catch(() => id)) !== id;
  });
  return { outcome, appended: await admin.xlen(streamKey) };
}
