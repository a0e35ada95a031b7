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

/**
 * What a user is told when Redis refuses a write for want of memory. Redis's own words ("OOM command not allowed
 * when used memory > 'maxmemory'", with a script's SHA and line number) say neither that it is Redis's memory, not
 * this server's, nor what brings writes back.
 */
export const REDIS_OUT_OF_MEMORY =
  'Redis is out of memory: past its maxmemory, with a policy that evicts nothing, it refuses writes that would take more (appends, new groups, saved settings) until memory is freed or maxmemory is raised; reads and acks still work';

/**
 * Whether Redis refused a command (or a script's write) because it is past `maxmemory` under `noeviction`. A
 * MULTI so refused fails as `EXECABORT`, the OOM among the `previousErrors` ioredis attaches; a library error
 * holds Redis's in its `cause`.
 */
export function isRedisOutOfMemory(error: unknown): boolean {
  const seen = new Set<unknown>();
  const refused = (each: unknown): boolean => {
    if (seen.has(each)) return false;
    seen.add(each);
    if (!(each instanceof Error)) return /\bOOM command not allowed\b/.test(String(each));
    const { previousErrors } = each as { previousErrors?: unknown };
    return (
      /\bOOM command not allowed\b/.test(each.message) ||
      (Array.isArray(previousErrors) && previousErrors.some(refused)) ||
      (each.cause !== undefined && refused(each.cause))
    );
  };
  return refused(error);
}

/**
 * Why a Redis call failed, as a client is told it: Redis away or out of memory, both passing (503), said in plain
 * words; anything else in the error's own (500).
 */
export function redisFailure(error: unknown): { readonly code: ErrorCode; readonly reason: string } {
  if (error instanceof CommandError && error.code === 'unavailable')
    return { code: 'unavailable', reason: error.message };
  if (isRedisUnavailable(error)) return { code: 'unavailable', reason: REDIS_UNAVAILABLE };
  if (isRedisOutOfMemory(error)) return { code: 'unavailable', reason: REDIS_OUT_OF_MEMORY };
  return { code: 'internal', reason: error instanceof Error ? error.message : String(error) };
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
