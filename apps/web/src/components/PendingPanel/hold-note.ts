import type { Hold } from '../../hooks/use-hold-while-focused';
import { formatClock } from '../../lib/format';

/**
 * The line over the pending table: that it follows the snapshots, or that it is held still and by what, with the
 * time of the figures it holds. Held, its idle times stop, and without a word they looked like a stalled page.
 *
 * @example
 * holdNote({ focused: false, pointed: true }, new Date(2026, 4, 1, 18, 2, 20).getTime());
 * // 'Held while the pointer is here: figures as of 18:02:20'
 */
export function holdNote(held: Pick<Hold<unknown>, 'focused' | 'pointed'> | null, at: number | null): string {
  if (held === null) return 'Live: the rows hold still while the pointer or focus is on them.';
  const by =
    held.pointed && held.focused
      ? 'the pointer and focus are here'
      : held.pointed
        ? 'the pointer is here'
        : 'focus is in the table';
  return `Held while ${by}: figures as of ${at === null ? 'the last snapshot' : formatClock(at)}`;
}
