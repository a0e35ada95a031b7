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
