import { assertInteger, assertOptions, optionNames } from './arguments.js';
import { redisCommand } from './errors.js';
import { type BoundedRow, parseBoundedRead, setField } from './replies.js';
import type { ScriptCommand } from './script-command.js';

/**
 * How much of each entry a bounded read returns, and of all of them: for a view read again and again (a dashboard
 * reads the newest entries four times a second), where another application's megabyte entries would otherwise
 * cross the wire whole each time. A script in Redis shortens each name and value to what the cut needs (4 bytes a
 * character), and the rest is cut here.
 */
export interface EntryBounds {
  /** Fields of an entry returned, its first ones; the rest are counted in `cut.fields`. */
  readonly fields: number;
  /**
   * Characters (Unicode code points) of a field name or value returned; a longer one is cut there, never inside a
   * character, and ends in `…`: counted in `cut.values` (see `cutText`).
   */
  readonly chars: number;
  /**
   * The most bytes the entries returned take as JSON: the read stops before the entry that would take them past
   * this. The first entry always goes, bounded as above.
   */
  readonly bytes: number;
  /**
   * About the most bytes of entries Redis reads for one call (each whole, as it must to shorten it; a name or value
   * counts 256 bytes more, what turning it into a script's string costs): the read stops once it has read this
   * many. A script holds Redis up while it runs, and reading a megabyte into one takes a couple of milliseconds.
   */
  readonly readBytes: number;
}

const ENTRY_BOUNDS = optionNames<EntryBounds>({ fields: true, chars: true, bytes: true, readBytes: true });

/** What a bounded read left out of an entry: `fields` not returned, `values` (names or values) cut. */
export interface EntryCut {
  readonly fields: number;
  readonly values: number;
}

/** A stream entry as a bounded read returns it (see `EntryBounds`). */
export interface BoundedEntry {
  readonly id: string;
  /** The millisecond Unix time in the ID. */
  readonly idMs: number;
  /** Its first fields, each name and value cut to the bounds. */
  readonly fields: Record<string, string>;
  /** What was left out; absent when nothing was. */
  readonly cut?: EntryCut;
}

/** The entries of a bounded read, and whether it stopped short of the count asked for to keep within its bounds. */
export interface BoundedRead<T> {
  readonly entries: T[];
  /**
   * It stopped before `count` to keep within `bytes` or `readBytes`: entries past the last one returned may be
   * left (a read that stopped for `readBytes` does not look whether there are).
   */
  readonly stoppedShort: boolean;
}

export function assertEntryBounds(bounds: EntryBounds): void {
  assertOptions(bounds, 'entry bounds', ENTRY_BOUNDS);
  assertInteger(bounds.fields, 'bounds.fields', 1);
  assertInteger(bounds.chars, 'bounds.chars', 1);
  assertInteger(bounds.bytes, 'bounds.bytes', 1);
  assertInteger(bounds.readBytes, 'bounds.readBytes', 1);
}

/**
 * `text` cut after its first `chars` characters (Unicode code points, so an emoji's surrogate pair is never split),
 * ending in `…`; whole when it has no more, unless `longer` says it was already shortened from a longer one.
 * What bounded reads show of a name or value, for text already in hand to be shown the same way.
 * @example cutText('naïve', 3) // 'naï…'
 */
export function cutText(text: string, chars: number, longer = false): string {
  // `length` counts UTF-16 units, never fewer than code points: most text needs no count at all.
  if (text.length <= chars && !longer) return text;
  let at = 0;
  for (let begun = 0; begun < chars && at < text.length; begun++) {
    at += (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
  }
  return at >= text.length && !longer ? text : `${text.slice(0, at)}…`;
}

/**
 * Runs BOUNDED_READ_LUA on `key`: `count` entries from `bound` on (newest first from an XREVRANGE end, or oldest
 * first from an XRANGE start), each made a view by `view` (given the row and the characters to cut at), stopping
 * before the view that would take the answer past `bounds.bytes` of JSON (the first always goes). `letters` reads
 * them as dead letters.
 */
export async function readBounded<T>(
  read: ScriptCommand,
  key: string,
  start: { readonly order: 'newest' | 'oldest'; readonly bound: string; readonly letters: boolean },
  count: number,
  bounds: EntryBounds,
  view: (row: BoundedRow, chars: number) => T,
): Promise<BoundedRead<T>> {
  const { order, bound, letters } = start;
  const { fields, chars, readBytes } = bounds;
  const reply = await redisCommand(`${order === 'newest' ? 'XREVRANGE' : 'XRANGE'} (bounded read)`, () =>
    read(
      key,
      order,
      bound,
      String(count),
      String(fields),
      String(chars),
      String(readBytes),
      letters ? '1' : '0',
    ),
  );
  const { rows, stoppedShort } = parseBoundedRead(reply);
  const entries: T[] = [];
  let used = 0;
  for (const row of rows) {
    const shown = view(row, chars);
    const size = Buffer.byteLength(JSON.stringify(shown));
    if (entries.length > 0 && used + size > bounds.bytes) return { entries, stoppedShort: true };
    entries.push(shown);
    used += size;
  }
  return { entries, stoppedShort };
}

/** A row's names and values, each cut at `chars` characters, as a record, and what was left out. */
export function rowFields(
  row: BoundedRow,
  chars: number,
): { fields: Record<string, string>; cut?: EntryCut } {
  const { flat, shortened } = row;
  const pairs: CutPair[] = [];
  for (let at = 0; at + 1 < flat.length; at += 2) {
    const [name = '', value = ''] = [flat[at], flat[at + 1]];
    pairs.push([
      name,
      cutText(name, chars, shortened.has(at + 1)),
      value,
      cutText(value, chars, shortened.has(at + 2)),
    ]);
  }
  return collectCutFields(pairs, row.left);
}

/** One field as read, and as shown: `[name, shownName, value, shownValue]`. */
export type CutPair = readonly [name: string, shownName: string, value: string, shownValue: string];

/**
 * Fields cut to some bounds, as a record, and what was left out: `left` fields not read, and of those read, each
 * name and each value cut (`values`). Two long names cut to the same first characters would share one key, the
 * later overwriting the earlier unsaid: the later is left out, counted in `fields`. A name given twice whole keeps
 * its last value, as an entry read whole does.
 */
export function collectCutFields(
  pairs: Iterable<CutPair>,
  left: number,
): { fields: Record<string, string>; cut?: EntryCut } {
  const fields: Record<string, string> = {};
  let values = 0;
  let leftOut = left;
  for (const [name, shownName, value, shownValue] of pairs) {
    if (shownName !== name && Object.hasOwn(fields, shownName)) {
      leftOut += 1;
      continue;
    }
    values += Number(shownName !== name) + Number(shownValue !== value);
    setField(fields, shownName, shownValue);
  }
  return leftOut + values === 0 ? { fields } : { fields, cut: { fields: leftOut, values } };
}
