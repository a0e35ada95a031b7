import type { EventStream, StreamEntry } from '@streamscope/streams';

/**
 * The most characters of entry data (IDs, field names and values) one replay answers with, about 4 MB: a stream
 * another application writes megabyte values into would otherwise make a replay of 500 entries a 500 MB answer,
 * held whole in the server and sent whole to a page.
 */
export const REPLAY_BUDGET_CHARS = 4_000_000;

/** Entries read per XRANGE: a page of huge entries is all the server holds beyond what it keeps. */
const PAGE = 25;

export interface BudgetedReplay {
  readonly entries: StreamEntry[];
  /** The first entry left out to keep within the budget, to replay from for the rest; `null` when none was. */
  readonly stoppedBefore: string | null;
}

/**
 * `XRANGE start end`, up to `count` entries, read a page at a time and stopping before the entry that would take
 * the answer past `budgetChars` (the first entry always goes, however large: it is what was asked for).
 */
export async function replayWithinBudget(
  stream: EventStream,
  start: string,
  end: string,
  count: number,
  budgetChars = REPLAY_BUDGET_CHARS,
): Promise<BudgetedReplay> {
  const entries: StreamEntry[] = [];
  let used = 0;
  let from = start;
  while (entries.length < count) {
    const asked = Math.min(PAGE, count - entries.length);
    const page = await stream.replay(from, end, asked);
    for (const entry of page) {
      const size = charsOf(entry);
      if (entries.length > 0 && used + size > budgetChars) return { entries, stoppedBefore: entry.id };
      entries.push(entry);
      used += size;
    }
    const last = page.at(-1);
    if (page.length < asked || last === undefined) break;
    from = `(${last.id}`;
  }
  return { entries, stoppedBefore: null };
}

function charsOf(entry: StreamEntry): number {
  let chars = entry.id.length;
  for (const [name, value] of Object.entries(entry.fields)) chars += name.length + value.length;
  return chars;
}
