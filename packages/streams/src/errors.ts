import { ReplyError } from 'ioredis';

/** Base class of every error this library throws; `cause` carries the Redis error when there is one. */
export class StreamError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad argument, caught before any Redis call was made. */
export class StreamArgumentError extends StreamError {}

/**
 * The consumer group (or the stream it hangs off) does not exist: Redis answered NOGROUP, or ended a blocked
 * read because its stream was deleted.
 */
export class GroupNotFoundError extends StreamError {}

/**
 * The stream's last ID is the largest there is (another client's XADD or XSETID with an ID of its own), so Redis
 * appends nothing more to it: every `XADD *` fails until that ID is set back, or the stream deleted.
 */
export class StreamExhaustedError extends StreamError {}

/** The worker was closed; it accepts no more work. */
export class WorkerClosedError extends StreamError {}

/** A worker started for a consumer that another running worker of this process reads as already. */
export class ConsumerInUseError extends StreamError {}

/** A dead letter that cannot be put back on the stream; it stays in the dead-letter stream. */
export class RequeueRefusedError extends StreamError {}

/** A dead letter of an entry trimmed before anyone read it: it has no payload to put back on the stream. */
export class NothingToRequeueError extends RequeueRefusedError {}

/**
 * A dead letter left in place because the stream has no room for it: appending would let `XADD MAXLEN ~` trim
 * entries that `group` has yet to read or ack (see `EventStream.room`). Requeue it once the group catches up.
 */
export class NoRoomError extends RequeueRefusedError {
  /** The stream's MAXLEN. */
  readonly maxlen: number;
  /** The group furthest behind: it has `maxlen` entries or more yet to read or ack. */
  readonly group: string;

  constructor(
    message: string,
    room: { readonly maxlen: number; readonly group: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.maxlen = room.maxlen;
    this.group = room.group;
  }
}

/**
 * `requeueThrough` stopped part-way (Redis went away, say): `requeued` letters went back and were reported,
 * up to `unanswered` more may have (their scripts were sent, their replies lost), and the rest stay.
 */
export class RequeueStoppedError extends StreamError {
  readonly requeued: number;
  readonly unanswered: number;

  constructor(message: string, counts: { requeued: number; unanswered: number }, options?: ErrorOptions) {
    super(message, options);
    this.requeued = counts.requeued;
    this.unanswered = counts.unanswered;
  }
}

/**
 * `produceBatch` failed part-way: the chunks (of 250 events) that answered were appended, and `ids` are theirs, in
 * input order, counted as produced. Of the others, those a lost connection left unanswered may have been appended
 * all the same, any number of them: the chunks go out pipelined, so several are in Redis's hands at once (four, a
 * thousand events, were seen to land unanswered). One a script error stopped may have appended part of itself.
 * `cause` is the failure.
 */
export class ProduceStoppedError extends StreamError {
  /** The IDs of the events appended, in input order. */
  readonly ids: readonly string[];
  /**
   * Per event of the batch, in input order, its ID, or `null` where its chunk did not answer: what to send again
   * without appending twice what surely went in. Unanswered chunks may have gone in too: on a stream only this
   * producer appends to, a replay after the last ID landed shows which did; elsewhere, make the events' handling
   * idempotent (the worker's `handledAlready`) or their payload carry an ID of its own to tell a second copy.
   */
  readonly landed: readonly (string | null)[];

  constructor(message: string, landed: readonly (string | null)[], options?: ErrorOptions) {
    super(message, options);
    this.landed = landed;
    this.ids = landed.filter((id) => id !== null);
  }
}

/**
 * Runs a Redis call, turning its failure into this library's errors: NOGROUP (and a blocked read's stream
 * deleted under it) into `GroupNotFoundError`, anything else into a `StreamError` that names the operation.
 */
export async function redisCommand<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw wrapRedisError(operation, error);
  }
}

/**
 * Whether Redis answered `error` itself, refusing the command (a reply error: WRONGTYPE, NOGROUP, a script's own
 * refusal), rather than the reply being lost on the way: then the command did not run, or ran only as far as its
 * refusal. A wrapped error is judged by its cause.
 */
export function redisRefused(error: unknown): boolean {
  for (let at: unknown = error; at instanceof Error; at = at.cause) {
    if (at instanceof ReplyError) return true;
  }
  return false;
}

export function wrapRedisError(operation: string, error: unknown): Error {
  if (error instanceof StreamError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // From a script too, where Redis wraps it in the script's name and line: keep Redis's own sentence only.
  // A stream deleted under a blocked XREADGROUP (Redis 7 ends the block so) took its groups with it.
  const noGroup = /NOGROUP .*?(?= script: |$)|^UNBLOCKED the stream key no longer exists/.exec(message);
  if (noGroup) return new GroupNotFoundError(`${operation}: ${noGroup[0]}`, { cause: error });
  // XGROUP DESTROY / DELCONSUMER / SETID on a stream that is not there: no stream, no group (Redis's sentence
  // talks of CREATE and MKSTREAM, which the caller did not ask for).
  if (message.includes('XGROUP subcommand requires the key to exist')) {
    return new GroupNotFoundError(`${operation}: the stream does not exist, so neither does the group`, {
      cause: error,
    });
  }
  if (message.includes('exhausted the last possible ID')) {
    return new StreamExhaustedError(
      `${operation} failed: the stream's last ID is the largest there is (18446744073709551615-18446744073709551615), set by another client with an ID of its own (XADD or XSETID), so Redis appends nothing more to it: delete any entry at that ID (XDEL), then set the stream's last ID back to its newest entry's (XSETID) and that of each group past it (XGROUP SETID); or delete the stream`,
      { cause: error },
    );
  }
  // ioredis's words say only that a limit was reached: the limit is on reconnect attempts that all failed.
  if (error instanceof Error && error.name === 'MaxRetriesPerRequestError') {
    return new StreamError(`${operation} failed: Redis could not be reached: ${message}`, { cause: error });
  }
  return new StreamError(`${operation} failed: ${message}`, { cause: error });
}
