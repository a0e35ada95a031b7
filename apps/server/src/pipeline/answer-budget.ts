import type { DeadLetterView } from '@streamscope/protocol';
import type { DeadLetters, EventStream, StreamEntry } from '@streamscope/streams';
import { boundedLetter } from '../live/bounded-view.js';

/**
 * The most characters of entry data (IDs, field names and values, a letter's reason, group and consumer) one replay
 * or dead-letter listing answers with, about 4 MB: a stream another application writes megabyte values into would
 * otherwise make a replay of 500 entries a 500 MB answer, held whole in the server and sent whole to a page.
 */
export const ANSWER_BUDGET_CHARS = 4_000_000;

/** Entries read per XRANGE or XREVRANGE: a page of huge entries is all the server holds beyond what it keeps. */
const PAGE = 25;

export interface Budgeted<T> {
  readonly items: T[];
  /** The first one left out to keep within the budget, to go on from for the rest; `null` when none was. */
  readonly stoppedBefore: string | null;
}

/**
 * Up to `count` items, read `PAGE` at a time with `readPage` (given the last item read, `null` at first) and
 * stopping before the one that would take the answer past `budgetChars` as `charsOf` counts it (the first always
 * goes, however large: it is what was asked for). A replay and a dead-letter listing both come through here.
 */
export async function readWithinBudget<T extends { readonly id: string }>(
  readPage: (after: string | null, count: number) => Promise<readonly T[]>,
  count: number,
  charsOf: (item: T) => number,
  budgetChars = ANSWER_BUDGET_CHARS,
): Promise<Budgeted<T>> {
  const items: T[] = [];
  let used = 0;
  let after: string | null = null;
  while (items.length < count) {
    const asked = Math.min(PAGE, count - items.length);
    const page = await readPage(after, asked);
    for (const item of page) {
      const size = charsOf(item);
      if (items.length > 0 && used + size > budgetChars) return { items, stoppedBefore: item.id };
      items.push(item);
      used += size;
    }
    const last = page.at(-1);
    if (page.length < asked || last === undefined) break;
    after = last.id;
  }
  return { items, stoppedBefore: null };
}

/** `XRANGE start end`, up to `count` entries, within the budget (see {@link readWithinBudget}). */
export async function replayWithinBudget(
  stream: EventStream,
  start: string,
  end: string,
  count: number,
  budgetChars = ANSWER_BUDGET_CHARS,
): Promise<{ entries: StreamEntry[]; stoppedBefore: string | null }> {
  const { items, stoppedBefore } = await readWithinBudget(
    (after, asked) => stream.replay(after === null ? start : `(${after}`, end, asked),
    count,
    (entry) => entry.id.length + fieldsChars(entry.fields),
    budgetChars,
  );
  return { entries: items, stoppedBefore };
}

/**
 * The newest `count` dead letters (older than `before`, when given), newest first, each as the page is sent it
 * (bounded, see `boundedLetter`), within the budget as sent (see {@link readWithinBudget}). Stopped short, the next
 * page is the one before the last letter listed: `stoppedBefore` is its first.
 */
export async function deadLettersWithinBudget(
  deadLetters: DeadLetters,
  count: number,
  before: string | undefined,
  budgetChars = ANSWER_BUDGET_CHARS,
): Promise<{ entries: DeadLetterView[]; stoppedBefore: string | null }> {
  const { items, stoppedBefore } = await readWithinBudget(
    async (after, asked) => (await deadLetters.newest(asked, after ?? before)).map(boundedLetter),
    count,
    (letter) =>
      letter.id.length +
      letter.originalId.length +
      letter.group.length +
      letter.consumer.length +
      letter.reason.length +
      fieldsChars(letter.fields),
    budgetChars,
  );
  return { entries: items, stoppedBefore };
}

function fieldsChars(fields: Readonly<Record<string, string>>): number {
  let chars = 0;
  for (const [name, value] of Object.entries(fields)) chars += name.length + value.length;
  return chars;
}
