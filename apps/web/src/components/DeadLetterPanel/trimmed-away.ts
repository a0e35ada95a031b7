import type { DeadLetterView } from '@streamscope/protocol';

/** An entry trimmed while pending was dead-lettered without its fields: there is nothing to put back. */
export function isTrimmedAway(letter: Pick<DeadLetterView, 'fields'>): boolean {
  return Object.keys(letter.fields).length === 0;
}

/**
 * How many of the letters could go back, when the page has them all (null when some are not loaded, or the length
 * is not known yet): letters trimmed away have no fields to requeue, and "Requeue all" of only those promised what
 * it then did not do.
 * @example requeueableCount([{ fields: { a: '1' } }, { fields: {} }], 2) // 1
 */
export function requeueableCount(
  letters: readonly Pick<DeadLetterView, 'fields'>[],
  length: number | null,
): number | null {
  if (length === null || letters.length < length) return null;
  return letters.filter((letter) => !isTrimmedAway(letter)).length;
}
