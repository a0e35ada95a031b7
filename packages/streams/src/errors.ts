/** Base class of every error this library throws; `cause` carries the Redis error when there is one. */
export class StreamError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad argument, caught before any Redis call was made. */
export class StreamArgumentError extends StreamError {}

/** The consumer group (or the stream it hangs off) does not exist: Redis answered NOGROUP. */
export class GroupNotFoundError extends StreamError {}

/** The worker was closed; it accepts no more work. */
export class WorkerClosedError extends StreamError {}

/** A dead letter of an entry trimmed before anyone read it: it has no payload to put back on the stream. */
export class NothingToRequeueError extends StreamError {}
