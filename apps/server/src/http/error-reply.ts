import { describeIssues, type ErrorCode, issueFields } from '@streamscope/protocol';
import {
  GroupNotFoundError,
  ProduceStoppedError,
  RequeueRefusedError,
  StreamArgumentError,
  StreamExhaustedError,
  WorkerClosedError,
} from '@streamscope/streams';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import {
  CommandError,
  isRedisOutOfMemory,
  isRedisUnavailable,
  REDIS_OUT_OF_MEMORY,
  redisFailure,
} from '../pipeline/command-error.js';

export interface ErrorReply {
  readonly code: ErrorCode;
  readonly message: string;
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;
  /** The arguments whose values were wrong, by name; absent when the error is not about any. */
  readonly fields?: string[];
}

const STATUS: Record<ErrorCode, ErrorReply['status']> = {
  bad_json: 400,
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  refused: 409,
  busy: 429,
  unavailable: 503,
  internal: 500,
};

/** One mapping from anything a command can throw to what the client is told, for HTTP and WebSocket. */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof HTTPException) {
    const refused = error.status === 401 || error.status === 403;
    return {
      code: refused ? 'refused' : 'bad_request',
      message:
        error.message || (error.status === 403 ? 'request from a foreign origin refused' : 'bad request'),
      status: error.status === 401 || error.status === 403 || error.status === 413 ? error.status : 400,
    };
  }
  if (error instanceof CommandError) return reply(error.code, error.message, error.fields);
  if (error instanceof ZodError) return reply('bad_request', describeIssues(error), issueFields(error));
  if (error instanceof StreamArgumentError) return reply('bad_request', error.message);
  if (error instanceof GroupNotFoundError) return reply('not_found', noGroupInPlainWords(error.message));
  if (error instanceof WorkerClosedError) return reply('conflict', error.message);
  if (error instanceof RequeueRefusedError) return reply('refused', error.message);
  if (error instanceof StreamExhaustedError) return reply('refused', error.message);
  // ioredis fails commands it cannot send while Redis is away; say so rather than "internal error". A batch cut
  // off part-way says how much of it went in, which "Redis is unavailable" alone would hide.
  if (error instanceof ProduceStoppedError) {
    if (isRedisOutOfMemory(error)) {
      const { ids, landed } = error;
      return reply(
        'unavailable',
        `${REDIS_OUT_OF_MEMORY} (${ids.length} of the batch's ${landed.length} events went in)`,
      );
    }
    return reply(isRedisUnavailable(error) ? 'unavailable' : 'internal', error.message);
  }
  const { code, reason } = redisFailure(error);
  return reply(code, reason);
}

function reply(code: ErrorCode, message: string, fields: readonly string[] = []): ErrorReply {
  return { code, message, status: STATUS[code], ...(fields.length > 0 ? { fields: [...fields] } : {}) };
}

/** A 429's `Retry-After`: the client's requests in flight take about a second to answer. */
export function retryAfter(status: ErrorReply['status']): Record<string, string> {
  return status === 429 ? { 'retry-after': '1' } : {};
}

/**
 * Redis's NOGROUP, as a command or a script words it ("XPENDING: NOGROUP No such key 'k' or consumer group 'g' in
 * XPENDING command"), in the server's own words: `no group g on k`. Anything else is left as it was.
 */
export function noGroupInPlainWords(message: string): string {
  const named =
    /NOGROUP No such key '(?<key>.*)' or consumer group '(?<group>.*?)'/.exec(message) ??
    /NOGROUP No such consumer group '(?<group>.*)' for key name '(?<key>.*?)'/.exec(message);
  const { key, group } = named?.groups ?? {};
  return key === undefined || group === undefined ? message : `no group ${group} on ${key}`;
}
