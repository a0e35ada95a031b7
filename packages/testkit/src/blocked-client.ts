import type { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

/**
 * Waits until the connection named `clientName` is blocked in a command (flag `b` in CLIENT LIST), asked
 * through `admin`: a consumer worker's, say, which blocks only in its read of new entries, so its start-up
 * drain of its own PEL is behind it by then.
 */
export async function untilClientBlocked(admin: Redis, clientName: string): Promise<void> {
  await waitFor(`${clientName} blocked`, async () => {
    const clients = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'normal')).split('\n');
    return clients.some((line) => line.includes(` name=${clientName} `) && / flags=\S*b/.test(line));
  });
}
