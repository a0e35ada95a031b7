import type { EventEmitter } from 'node:events';
import { inspect, types } from 'node:util';

/**
 * `emitter.emit(name, event)`, except that a listener that throws (or whose promise rejects) is handed to
 * `onThrow` instead of throwing into the emitter's own loop (where it could leave work half done or end the
 * loop), and does not keep the listeners after it from hearing of the event.
 */
export function guardedEmit(
  emitter: EventEmitter,
  name: string,
  event: unknown,
  onThrow: (error: Error) => void,
): void {
  // rawListeners: a `once` listener's wrapper, which removes it as it runs.
  for (const listener of emitter.rawListeners(name) as ((event: unknown) => unknown)[]) {
    try {
      const result = listener.call(emitter, event);
      if (isThenable(result)) result.then(undefined, (error: unknown) => onThrow(asError(error)));
    } catch (error) {
      onThrow(asError(error));
    }
  }
}

/** Where a listener's failure goes when no 'error' listener can hear of it (or the 'error' listener threw). */
export function warnListenerFailed(owner: string, event: string, error: Error): void {
  process.emitWarning(`a ${owner} '${event}' listener threw: ${error.message}`, {
    code: 'STREAMSCOPE_LISTENER_THREW',
    detail: error.stack,
  });
}

/**
 * Where a failure goes when nothing listens for `owner`'s 'error' events: one process warning, the first time,
 * rather than silence (a worker of a group that does not exist would read nothing and say nothing) or a throw
 * (EventEmitter's way, which would end the loop). Later ones are left to `status()` or a listener added since.
 */
export function warnUnheardError(owner: string, error: Error): void {
  process.emitWarning(
    `${owner}: ${error.message} (nothing listens for its 'error' events: add one with .on('error', …); it carries on, and warns only this once)`,
    { code: 'STREAMSCOPE_UNHEARD_ERROR', detail: error.stack },
  );
}

/** Any promise-like, not only this realm's `Promise`. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** What was thrown, as an Error: one from another realm as it is, anything else described (see `describeThrown`). */
export function asError(error: unknown): Error {
  return error instanceof Error || types.isNativeError(error) ? error : new Error(describeThrown(error));
}

/**
 * Why a handler failed, in words, for a failed event and a dead letter: an Error's message (its name when the
 * message is empty, as `new TypeError()` has), a thrown string as it is, anything else as `util.inspect`
 * shows it, shortened. `String()` made `{ code: 42 }` "[object Object]", and an empty message no reason at all.
 */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error || types.isNativeError(thrown)) return thrown.message || thrown.name;
  if (typeof thrown === 'string') return thrown;
  return inspect(thrown, {
    depth: 2,
    breakLength: Number.POSITIVE_INFINITY,
    maxArrayLength: 10,
    maxStringLength: 200,
  });
}
