import { StreamArgumentError } from './errors.js';
import { show } from './stream-ids.js';

/** A key, group or consumer name: a non-empty string. */
export function assertName(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StreamArgumentError(`${what} must be a non-empty string, got ${show(value)}`);
  }
  // Half a surrogate pair has no UTF-8 form: Redis would get U+FFFD, naming another key, group or consumer
  // (two such IDs in a ProcessedIds were one), and a worker's start() failed encoding its connection name.
  if (!value.isWellFormed()) {
    throw new StreamArgumentError(`${what} must not contain a lone surrogate, got ${show(value)}`);
  }
}

/** A whole number no smaller than `min`. */
export function assertInteger(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new StreamArgumentError(`${what} must be an integer >= ${min}, got ${show(value)}`);
  }
}

/**
 * An options object (or one like `DeadLetterInfo`): `null` or a string in its place is named, rather than
 * failing as a TypeError when the first option is read.
 */
export function assertOptions(value: unknown, what: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StreamArgumentError(`${what} must be an object, got ${show(value)}`);
  }
}

/** `true` or `false`: a string such as 'false' would otherwise count as true. */
export function assertBoolean(value: unknown, what: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new StreamArgumentError(`${what} must be true or false, got ${show(value)}`);
  }
}
