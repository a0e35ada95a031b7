import type { Redis } from 'ioredis';
import { CommandError } from './command-error.js';

/** One of the server's stream keys, and what a stream there holds, for the words below. */
export interface OwnStreamKey {
  readonly key: string;
  readonly holds: 'entry' | 'letter';
}

/** Why a key of the server's cannot be used: another client wrote something other than a stream over it. */
export function overwrittenKeyReason({ key, holds }: OwnStreamKey, type: string): string {
  return `${key} holds a ${type}, not a stream (another client wrote over it): no ${holds} can be written or read there until it is deleted or renamed`;
}

/**
 * A command that failed with Redis's WRONGTYPE, said as which of the server's keys holds what, and refused: Redis's
 * own words name neither, and came back as an internal error. Any other error is returned as it was.
 */
export async function namingOverwrittenKey(
  redis: Redis,
  keys: readonly OwnStreamKey[],
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof Error && error.message.includes('WRONGTYPE'))) return error;
  for (const own of keys) {
    const type = await overwrittenType(redis, own.key).catch(() => null);
    if (type !== null) return new CommandError('refused', overwrittenKeyReason(own, type));
  }
  return error;
}

/** What another client wrote over `key`, by Redis's TYPE; `null` while it holds a stream, or nothing. */
export async function overwrittenType(redis: Redis, key: string): Promise<string | null> {
  const type = await redis.type(key);
  return type === 'stream' || type === 'none' ? null : type;
}
