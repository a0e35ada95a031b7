import type { CommandResults, DeadLetterView } from '@streamscope/protocol';
import type { ListedPage } from './older-pages-refresh';

export const NO_LETTERS: readonly DeadLetterView[] = [];
/** Letters per "Show older" page. */
export const OLDER_PAGE = 100;

/** Where the last "Show older" page stopped short of a full page to keep its answer small. */
export interface PageStop {
  /** The last letter it listed: the note holds while that letter still ends what is shown. */
  after: string;
  /** The first letter it left out, which the next page begins with. */
  next: string;
  /** How many it listed. */
  listed: number;
}

/**
 * The letters shown, newest first: the live list, then the older pages loaded, less those the live list has
 * reached meanwhile (new letters push the oldest live ones into what a page had loaded).
 * @example mergeLetters([{ id: '9-0' }, { id: '8-0' }], [{ id: '8-0' }, { id: '7-0' }]) // 9-0, 8-0, 7-0
 */
export function mergeLetters<T extends { id: string }>(
  newest: readonly T[],
  older: readonly T[],
): readonly T[] {
  if (older.length === 0) return newest;
  const live = new Set(newest.map((letter) => letter.id));
  return [...newest, ...older.filter((letter) => !live.has(letter.id))];
}

/** Where a page stopped short (after its last letter, before `stoppedBefore`), or `null` when it did not. */
export function pageStop<T extends { id: string }>(page: ListedPage<T>): PageStop | null {
  const last = page.entries.at(-1);
  return page.stoppedBefore === null || last === undefined
    ? null
    : { after: last.id, next: page.stoppedBefore, listed: page.entries.length };
}

/**
 * The stop worth saying now: only while that page still ends what is shown. The next page goes on from the last
 * letter shown whatever the note says, so none is skipped or shown twice.
 */
export function stopStillShown(stop: PageStop | null, oldestShown: string | undefined): PageStop | null {
  return stop !== null && stop.after === oldestShown ? stop : null;
}

/**
 * The older pages left after "Requeue all": of the loaded pages only the skipped stay. When the answer does not name
 * them all, or letters were left unread (`more`, or no room in the stream), which went is not known, and the pages go.
 */
export function olderAfterRequeueAll<T extends { id: string }>(
  older: readonly T[],
  answer: Pick<CommandResults['dlq.requeue-all'], 'skipped' | 'skippedLetters' | 'more' | 'stoppedForRoom'>,
): readonly T[] {
  const kept = new Set(answer.skippedLetters.map((letter) => letter.id));
  const known = !answer.more && answer.stoppedForRoom === null && answer.skipped === kept.size;
  return known ? older.filter((letter) => kept.has(letter.id)) : [];
}

/**
 * The loaded letters without one that left the dead-letter stream, and with `originalOf` without every letter of
 * its entry too (a requeue discards the entry's letters of the other groups; left listed, their Requeue said "no
 * dead letter"). A letter naming no original has no others.
 */
export function withoutLetter<T extends { id: string; originalId: string }>(
  letters: readonly T[],
  gone: T,
  { originalOf = false }: { originalOf?: boolean } = {},
): readonly T[] {
  const sameEntry = (letter: T) =>
    originalOf && gone.originalId !== '' && letter.originalId === gone.originalId;
  return letters.filter((letter) => letter.id !== gone.id && !sameEntry(letter));
}
