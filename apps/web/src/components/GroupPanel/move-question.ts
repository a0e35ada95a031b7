import { groupPositionSchema, type NewestIds, pastNewest } from '@streamscope/protocol';
import { formatCountOf } from '../../lib/format';
import { compareStreamIds } from '../../lib/stream-ids';

/** What the page knows of a group and its stream when a move of its cursor is asked about. */
export interface MoveFigures {
  group: string;
  /** Where its cursor is now. */
  lastDeliveredId: string;
  /** Entries after its cursor, not delivered to it yet (Redis's lag); `null` when Redis cannot say. */
  lag: number | null;
  /** Entries in the stream now (XLEN). */
  streamLength: number;
}

const entries = (count: number) => formatCountOf(count, 'entry', 'entries');

/**
 * The position a cursor move would send, in the form the server takes it (`$`, or an ID without leading zeros),
 * or `null` when the command would be refused as it is (an ID mistyped): that needs no question, as nothing moves.
 */
export function movePosition(position: string): string | null {
  const parsed = groupPositionSchema.safeParse(position);
  return parsed.success ? parsed.data : null;
}

/**
 * Why the server would refuse a move to `position` (from {@link movePosition}) that the page can tell from the
 * snapshot: an ID past the newest the stream has generated, in the server's words. Refused beside the field, it asks
 * nothing: "Forward from …: the entries after it up to … are skipped" was asked of a move the server then refused.
 * `null` when the server may take it.
 */
export function moveRefusal(position: string, newest: NewestIds): string | null {
  return position === '$' ? null : pastNewest(position, newest, compareStreamIds);
}

/**
 * What moving the group's cursor to `position` (from {@link movePosition}) would do, counted where the page can
 * count it: the question under "Move cursor" says it before anything moves, as one click on the default "read it
 * all again" delivered a whole stream to a group again.
 *
 * @example
 * moveConsequence('0-0', { group: 'billing', lastDeliveredId: '9-0', lag: 2, streamLength: 12 });
 * // 'Every entry in the stream is delivered to billing again: the 10 entries up to its cursor (those it
 * //  processed count as duplicates), and the 2 entries it has not read yet.'
 */
export function moveConsequence(position: string, figures: MoveFigures): string {
  const { group, lastDeliveredId, lag, streamLength } = figures;
  if (position === '$') {
    if (lag === 0)
      return `Nothing is skipped: ${group} has read every entry. It reads the entries added from now on.`;
    const skipped =
      lag === null
        ? `The entries not yet delivered to ${group} (Redis does not say how many)`
        : `The ${entries(lag)} not yet delivered to ${group}`;
    return `${skipped} ${lag === 1 ? 'is' : 'are'} skipped, never delivered to it. It reads the entries added from now on.`;
  }
  if (position === '0-0') {
    if (streamLength === 0) return `The stream is empty: nothing is delivered to ${group} again.`;
    if (lag === null)
      return `Every entry in the stream (${entries(streamLength)}) is delivered to ${group} again, those up to its cursor a second time; those it processed count as duplicates.`;
    const again = Math.max(0, streamLength - lag);
    if (again === 0) return `${group} has read none of the stream's entries yet: none is delivered again.`;
    // "Up to its cursor", not "read": a cursor moved forward by hand skipped entries it never read.
    const unread = lag === 0 ? '' : `, and the ${entries(lag)} it has not read yet`;
    return `Every entry in the stream is delivered to ${group} again: the ${entries(again)} up to its cursor (those it processed count as duplicates)${unread}.`;
  }
  const order = compareStreamIds(position, lastDeliveredId);
  if (order === 0) return `The cursor of ${group} is at ${position} already: nothing changes.`;
  if (order < 0)
    return `Back from ${lastDeliveredId}: the entries after ${position} up to it are delivered to ${group} again; those it processed count as duplicates.`;
  return `Forward from ${lastDeliveredId}: the entries after it up to ${position} are skipped, never delivered to ${group}.`;
}
