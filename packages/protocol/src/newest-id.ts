/** Of a stream, as XINFO STREAM says them: the newest ID it generated, and its newest entry's (gone if trimmed). */
export interface NewestIds {
  /** `null` (or `0-0`) while the stream has generated none. */
  readonly lastGeneratedId: string | null;
  readonly lastEntryId: string | null;
}

/**
 * Why a group's cursor may not go to `id`, past the newest ID the stream has generated: it would skip, unseen,
 * entries not written yet. Said in the same words by the server, which refuses the move, and by the page, which
 * refuses it beside the field rather than ask about it first. Each compares the IDs with its own comparison.
 *
 * @example
 * pastNewestReason('99999999999999-0', { lastGeneratedId: '1716998413541-9', lastEntryId: '1716998413541-9' });
 * // "99999999999999-0 is past the stream's newest ID (its newest entry is 1716998413541-9): the group would skip
 * //  entries not written yet. Use $ to read only entries added from now on"
 */
export function pastNewestReason(id: string, { lastGeneratedId, lastEntryId }: NewestIds): string {
  const newest = lastGeneratedId ?? '0-0';
  // The newest ID Redis generated, said as what it is: an empty stream's names no entry.
  const where =
    newest === '0-0'
      ? 'the stream has no entries yet'
      : lastEntryId === newest
        ? `its newest entry is ${newest}`
        : `the newest ID it generated is ${newest}, and that entry is no longer in it`;
  return `${id} is past the stream's newest ID (${where}): the group would skip entries not written yet. Use $ to read only entries added from now on`;
}

/**
 * {@link pastNewestReason} when `id` is past the newest ID the stream has generated, else `null`: the one check the
 * server and the page make, each with its own comparison of stream IDs (`compare`, negative, 0 or positive).
 */
export function pastNewest(
  id: string,
  newest: NewestIds,
  compare: (a: string, b: string) => number,
): string | null {
  return compare(id, newest.lastGeneratedId ?? '0-0') > 0 ? pastNewestReason(id, newest) : null;
}
