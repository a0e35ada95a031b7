import type { Redis } from 'ioredis';
import { CommandError } from './command-error.js';

/**
 * One of the server's keys, and what it holds, for the words below: a stream of entries or of letters, the hash
 * of the dead letters' requeue marks or of the operator's choices, or a group's once-per-ID guard.
 */
export interface OwnStreamKey {
  readonly key: string;
  readonly holds: keyof typeof KEY_TYPE;
}

/** The Redis type each kind of key holds. */
const KEY_TYPE = {
  entry: 'stream',
  letter: 'stream',
  'requeue mark': 'hash',
  'operator choice': 'hash',
  'ownership note': 'hash',
  'processed ID': 'zset',
} as const;

/** Why a key of the server's cannot be used: another client wrote something of another type over it. */
export function overwrittenKeyReason({ key, holds }: OwnStreamKey, type: string): string {
  return `${key} holds a ${type}, not a ${KEY_TYPE[holds]} (another client wrote over it): no ${holds} can be written or read there until it is deleted or renamed`;
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
    const type = await overwrittenType(redis, own.key, KEY_TYPE[own.holds]).catch(() => null);
    if (type !== null) return new CommandError('refused', overwrittenKeyReason(own, type));
  }
  return error;
}

/** What another client wrote over `key`, by Redis's TYPE; `null` while it holds `expected` (a stream), or nothing. */
export async function overwrittenType(
  redis: Redis,
  key: string,
  expected: (typeof KEY_TYPE)[keyof typeof KEY_TYPE] = 'stream',
): Promise<string | null> {
  const type = await redis.type(key);
  return type === expected || type === 'none' ? null : type;
}
