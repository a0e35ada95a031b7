import type { EventEmitter } from 'node:events';

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

/** Any promise-like, not only this realm's `Promise`. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
