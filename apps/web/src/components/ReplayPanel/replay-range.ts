import { compareStreamIds } from '../../lib/stream-ids';

/**
 * The range a replay asks for, from its Start and End fields: a blank Start is the stream's first entry (`-`), a
 * blank End its last (`+`), as XRANGE would take them left out, where a blank was refused ("start: must be '-', …").
 *
 * @example
 * replayRange(' ', '1716998413541-0'); // { start: '-', end: '1716998413541-0' }
 */
export function replayRange(start: string, end: string): { start: string; end: string } {
  return { start: start.trim() || '-', end: end.trim() || '+' };
}

/**
 * Where the next page of a replay starts: just after its last entry (`(1716998413541-9`), when it filled its
 * limit, so more may follow up to its End; `null` when it gave fewer, having reached End.
 */
export function nextPageStart(entries: readonly { id: string }[], limit: number): string | null {
  const last = entries.at(-1);
  return last === undefined || entries.length < limit ? null : `(${last.id}`;
}

/** Orders two range bounds: `-` before every ID, `+` after; an ID of milliseconds alone at its first or last. */
function compareBounds(start: string, end: string): number {
  const rank = (bound: string) => (bound === '-' ? 0 : bound === '+' ? 2 : 1);
  const from = start.replace(/^\(/, '');
  const to = end.replace(/^\(/, '');
  if (rank(from) !== 1 || rank(to) !== 1) return rank(from) - rank(to);
  const whole = (id: string, seq: string) => (id.includes('-') ? id : `${id}-${seq}`);
  return compareStreamIds(whole(from, '0'), whole(to, '18446744073709551615'));
}

/**
 * Whether the range runs backwards (`+` to `-`, or a later ID first): XRANGE reads from Start forward to End, so it
 * finds nothing, and "No entries in that range" said nothing of why.
 */
export function rangeReversed({ start, end }: { start: string; end: string }): boolean {
  return compareBounds(start, end) > 0;
}
