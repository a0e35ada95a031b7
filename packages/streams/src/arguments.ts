import { StreamArgumentError } from './errors.js';
import { show } from './stream-ids.js';

/** A key, group or consumer name: a non-empty string. */
export function assertName(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StreamArgumentError(`${what} must be a non-empty string, got ${show(value)}`);
  }
}

/** A whole number no smaller than `min`. */
export function assertInteger(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new StreamArgumentError(`${what} must be an integer >= ${min}, got ${show(value)}`);
  }
}
