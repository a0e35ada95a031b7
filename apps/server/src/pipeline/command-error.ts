import type { ErrorCode } from '@streamscope/protocol';

/** A command that cannot be carried out as asked; `code` tells the client why (and the HTTP status). */
export class CommandError extends Error {
  override name = 'CommandError';
  readonly code: ErrorCode;
  /** The command's arguments whose values the error is about, by name: a form marks the fields that gave them. */
  readonly fields: readonly string[];

  constructor(code: ErrorCode, message: string, options?: ErrorOptions & { fields?: readonly string[] }) {
    super(message, options);
    this.code = code;
    this.fields = options?.fields ?? [];
  }
}

export const REDIS_UNAVAILABLE = 'Redis is unavailable; the server keeps reconnecting, try again shortly';

/** Whether a failure is Redis being away: ioredis fails the commands it cannot send (or get answered) then. */
export function isRedisUnavailable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|ECONNREFUSED|max retries|Stream isn't writeable/i.test(message);
}

/** Refused once the server has begun to stop: what a command started then would leave running after it. */
export function shuttingDown(): CommandError {
  return new CommandError('unavailable', 'the server is shutting down');
}

/**
 * Refuses at once while the server's connection to Redis is down: every command would otherwise wait out a
 * reconnect attempt before failing. The server serves only once its connection is ready, so any other state
 * is a reconnect.
 */
export function assertRedisReady(redis: { readonly status: string }): void {
  if (redis.status !== 'ready') throw new CommandError('unavailable', REDIS_UNAVAILABLE);
}
