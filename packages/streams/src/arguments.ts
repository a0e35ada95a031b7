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
/**
 * The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days): past it Node fires after 1 ms, and a
 * "monthly" reaper ran XAUTOCLAIM hundreds of times a second.
 */
export const TIMER_MAX_MS = 2_147_483_647;

/** An integer of milliseconds a timer waits: from `min` up to {@link TIMER_MAX_MS}. */
export function assertTimerMs(value: unknown, what: string, min: number): asserts value is number {
  assertInteger(value, what, min);
  if (value > TIMER_MAX_MS) {
    throw new StreamArgumentError(
      `${what} must be at most ${TIMER_MAX_MS} ms (about 24.8 days, the longest a Node timer waits), got ${value}`,
    );
  }
}

export function assertInteger(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new StreamArgumentError(`${what} must be an integer >= ${min}, got ${show(value)}`);
  }
}

/**
 * An options object (or one like `DeadLetterInfo`): `null` or a string in its place is named, rather than
 * failing as a TypeError when the first option is read. With `known`, a name it does not hold is refused too:
 * TypeScript catches a misspelt option only in an object literal, and a worker given `hander` for `handler`
 * acked every entry it read without handling one.
 */
export function assertOptions(
  value: unknown,
  what: string,
  known?: readonly string[],
): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StreamArgumentError(`${what} must be an object, got ${show(value)}`);
  }
  if (!known) return;
  const unknown = unknownName(value, known);
  if (unknown !== null) {
    throw new StreamArgumentError(`${what}: unknown option ${unknown}; the options are ${known.join(', ')}`);
  }
}

/**
 * The first name `value` holds that is not among `known`, as a message says it, with the one likely meant
 * (`"hander" (did you mean handler?)`); `null` when every name is known. For an options object, or an event.
 */
export function unknownName(value: object, known: readonly string[]): string | null {
  const name = Object.keys(value).find((each) => !known.includes(each));
  if (name === undefined) return null;
  const near = likelyMeant(name, known);
  return `${show(name)}${near ? ` (did you mean ${near}?)` : ''}`;
}

/**
 * The names of an options type, every one of them: listing them as the keys of this record, the compiler
 * says when an option is added to the type and not here.
 */
export function optionNames<T>(names: { readonly [K in keyof T]-?: true }): readonly string[] {
  return Object.keys(names);
}

/**
 * The first of `names` that `typed` is likely a misspelling of: the same but for case, one the start of the other
 * (`block` for `blockMs`), or a letter or two off; `undefined` when none is.
 * @example
 *   likelyMeant('hander', ['handler', 'count']); // 'handler'
 */
export function likelyMeant(typed: string, names: readonly string[]): string | undefined {
  return names.find((name) => looksLike(typed, name));
}

function looksLike(typed: string, name: string): boolean {
  const [a, b] = [typed.toLowerCase(), name.toLowerCase()];
  return a.startsWith(b) || b.startsWith(a) || editDistance(a, b) <= 2;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** `true` or `false`: a string such as 'false' would otherwise count as true. */
export function assertBoolean(value: unknown, what: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new StreamArgumentError(`${what} must be true or false, got ${show(value)}`);
  }
}
