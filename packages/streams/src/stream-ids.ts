import { StreamArgumentError } from './errors.js';

const UINT64_MAX = 2n ** 64n - 1n;

/** The last entry ID there is: every entry is at or before it. */
export const LAST_ENTRY_ID = `${UINT64_MAX}-${UINT64_MAX}`;
const ENTRY_ID = /^(\d{1,20})(?:-(\d{1,20}))?$/;
/** Parts of at most 19 digits, which always fit in 64 bits: every ID Redis generates today. */
const SHORT_ENTRY_ID = /^\d{1,19}(?:-\d{1,19})?$/;

/** True for `<ms>` or `<ms>-<seq>` where both parts fit in an unsigned 64-bit integer. */
export function isEntryId(id: string): boolean {
  // Acks check every ID: the common case is answered without building a match and its parts.
  if (SHORT_ENTRY_ID.test(id)) return true;
  const match = ENTRY_ID.exec(id);
  if (!match) return false;
  const [, ms = '', seq = '0'] = match;
  return fitsUint64(ms) && fitsUint64(seq);
}

/** Only a 20-digit number can exceed 2^64 - 1; the BigInt is built for those alone (acks check every ID). */
function fitsUint64(digits: string): boolean {
  return digits.length < 20 || BigInt(digits) <= UINT64_MAX;
}

/**
 * How far ahead of the time written in an entry (the producer's clock) its ID (Redis's) may be and still be taken for
 * the clock's: the two clocks' skew. Past it, the entry's letters may be older than it, and what looks for them
 * (finishing a requeue, an entry's letters) reads the whole DLQ, which costs time, not letters.
 */
export const ID_AHEAD_TOLERANCE_MS = 5_000;

/** The millisecond Unix time encoded in a stream entry ID (`1716998413541-0` -> 1716998413541). */
export function entryIdTime(id: string): number {
  const dash = id.indexOf('-');
  const end = dash === -1 ? id.length : dash;
  // Read digit by digit, without the slice, for every entry a worker reads; exact below 10^15 (2^53 is
  // about 9 * 10^15), so anything longer, and anything that is not all digits, goes to Number as before.
  if (end > 15) return Number(id.slice(0, end));
  let ms = 0;
  for (let i = 0; i < end; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(id.slice(0, end));
    ms = ms * 10 + digit;
  }
  return ms;
}

/** The ID a bare millisecond stands for where one entry is meant (XACK, XDEL): its sequence 0. */
export function fullEntryId(id: string): string {
  return id.includes('-') ? id : `${id}-0`;
}

/** The last ID a range end stands for: a bare millisecond means its last sequence (`5` -> `5-18446744073709551615`). */
export function lastIdOf(end: string): string {
  return end.includes('-') ? end : `${end}-${UINT64_MAX}`;
}

/** Orders two full entry IDs as Redis does: by milliseconds, then by sequence. */
export function compareEntryIds(a: string, b: string): number {
  const [aMs, aSeq] = splitId(a);
  const [bMs, bSeq] = splitId(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/**
 * The smallest ID after `id` (`5-3` -> `5-4`, `5-18446744073709551615` -> `6-0`; a bare `5`, which means all of
 * millisecond 5, -> `6-0`): as an XTRIM MINID it keeps everything after `id` and nothing up to it. `null` for
 * the last ID there is (`18446744073709551615-18446744073709551615`, or that millisecond bare): nothing comes after it.
 */
export function nextEntryId(id: string): string | null {
  const [ms, seq] = splitId(id);
  if (id.includes('-') && seq < UINT64_MAX) return `${ms}-${seq + 1n}`;
  return ms < UINT64_MAX ? `${ms + 1n}-0` : null;
}

function splitId(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash === -1 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

export function assertEntryId(id: unknown, what: string): asserts id is string {
  if (typeof id !== 'string' || !isEntryId(id)) {
    throw new StreamArgumentError(`${what} must be a stream ID like 1716998413541-0, got ${show(id)}`);
  }
}

/** A group start position: `$` (only new entries), or an entry ID such as `0-0` (everything). */
export function assertGroupStart(id: unknown): asserts id is string {
  if (id === '$') return;
  if (typeof id !== 'string' || !isEntryId(id)) {
    throw new StreamArgumentError(`group start ID must be '$' or a stream ID like 0-0, got ${show(id)}`);
  }
}

/** An XRANGE/XPENDING bound: `-`, `+`, an entry ID, or an exclusive `(`-prefixed entry ID. */
export function assertRangeBound(id: unknown, what: string): asserts id is string {
  if (id === '-' || id === '+') return;
  if (typeof id === 'string' && isEntryId(id.startsWith('(') ? id.slice(1) : id)) return;
  throw new StreamArgumentError(
    `${what} must be '-', '+', a stream ID or '(' plus a stream ID, got ${show(id)}`,
  );
}

/**
 * True for a range that an exclusive bound pushes past the ends of the ID space: `(0-0` as its end (in any
 * spelling, `(00-0` too), or the largest ID as an exclusive start. Nothing can lie in it, but Redis answers
 * such a range with an error ("invalid end ID for the interval") rather than with nothing. A bare `(0` is
 * not one: a millisecond alone as an end means its last sequence number.
 */
export function isBeyondIdSpace(start: string, end: string): boolean {
  const exclusive = (bound: string) => {
    const match = bound.startsWith('(') ? ENTRY_ID.exec(bound.slice(1)) : null;
    return match?.[2] === undefined ? null : [BigInt(match[1] ?? '0'), BigInt(match[2])];
  };
  const from = exclusive(start);
  const to = exclusive(end);
  return (
    (from !== null && from[0] === UINT64_MAX && from[1] === UINT64_MAX) ||
    (to !== null && to[0] === 0n && to[1] === 0n)
  );
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
