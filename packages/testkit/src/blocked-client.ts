import type { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

/** Whether the connection named `clientName` is blocked in a command now (flag `b` in CLIENT LIST), asked through `admin`. */
export async function isClientBlocked(admin: Redis, clientName: string): Promise<boolean> {
  const clients = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'normal')).split('\n');
  return clients.some((line) => line.includes(` name=${clientName} `) && / flags=\S*b/.test(line));
}

/**
 * Waits until the connection named `clientName` is blocked in a command (see `isClientBlocked`): a consumer
 * worker's, say, which blocks only in its read of new entries, so its start-up drain of its own PEL is behind it
 * by then.
 */
export async function untilClientBlocked(admin: Redis, clientName: string): Promise<void> {
  await waitFor(`${clientName} blocked`, () => isClientBlocked(admin, clientName));
}

/** How many times the Redis `admin` talks to has run `command` (lower case, as INFO commandstats names it). */
export async function commandCalls(admin: Redis, command: string): Promise<number> {
  const stats = String(await admin.info('commandstats'));
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
}
