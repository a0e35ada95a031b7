import type { EntryView } from '@streamscope/protocol';
import { type CutPair, collectCutFields, cutText, type EntryBounds } from '@streamscope/streams';

/**
 * What the dashboard is sent of one entry, at most: the first 100 fields, each name and value cut at 1,000
 * characters. Any client may write a 1 MB value or a 10,000-field entry to a stream; sent whole, one such entry in
 * the newest ten made every snapshot (four a second, to every page) a megabyte, and a tick of the live tail a
 * hundred. What was left out is counted in `cut`, which the page shows; the whole entry is a replay away.
 *
 * A character is a Unicode code point (`cutText`), here and in the library's bounded reads, by which the snapshot
 * reads its newest entries and letters, shortened in Redis (`EventStream.tailBounded`): a cut never splits one, and
 * the two agree to the character.
 */
export const VIEW_FIELDS_MAX = 100;
export const VIEW_CHARS_MAX = 1_000;

/** A section of the snapshot read bounded in Redis: each entry as above, and `bytes`, `readBytes` for them all. */
export function viewBounds(bytes: number, readBytes: number): EntryBounds {
  return { fields: VIEW_FIELDS_MAX, chars: VIEW_CHARS_MAX, bytes, readBytes };
}
/** An entry's type as it is shown beside a delivery, a pending row or a lifecycle event: one short line. */
export const VIEW_TYPE_MAX = 100;

export interface BoundedFields {
  readonly fields: Record<string, string>;
  /** Left out: `fields` not sent, `values` (names or values) shortened. Absent when nothing was. */
  readonly cut?: { readonly fields: number; readonly values: number };
}

/** Counted as the library's bounded reads count theirs (`collectCutFields`), so the two agree. */
export function boundedFields(fields: Readonly<Record<string, string>>): BoundedFields {
  const names = Object.keys(fields);
  const pairs = names.slice(0, VIEW_FIELDS_MAX).map((name): CutPair => {
    const value = fields[name] ?? '';
    return [name, boundedText(name), value, boundedText(value)];
  });
  return collectCutFields(pairs, Math.max(0, names.length - VIEW_FIELDS_MAX));
}

/** An entry as the dashboard is sent it (see {@link boundedFields}). */
export function boundedEntry(entry: {
  id: string;
  idMs: number;
  fields: Readonly<Record<string, string>>;
}): EntryView {
  const { fields, cut } = boundedFields(entry.fields);
  return cut ? { id: entry.id, idMs: entry.idMs, fields, cut } : { id: entry.id, idMs: entry.idMs, fields };
}

/**
 * A dead letter as the dashboard is sent it, pushed or listed: its fields bounded, and its original ID, reason, group
 * and consumer (read from the dead-letter stream, which any client may write, and a handler's error message may be
 * long) each cut at 1,000 characters, counted in `cut.values`. Its own ID, a stream ID Redis gave it, is sent whole:
 * the page requeues and discards by it, and Requeue reads the letter whole in Redis, not this view.
 */
export function boundedLetter<
  T extends {
    originalId: string;
    reason: string;
    group: string;
    consumer: string;
    fields: Readonly<Record<string, string>>;
  },
>(letter: T): Omit<T, 'fields'> & BoundedFields {
  const { fields, cut } = boundedFields(letter.fields);
  const originalId = boundedText(letter.originalId);
  const reason = boundedText(letter.reason);
  const group = boundedText(letter.group);
  const consumer = boundedText(letter.consumer);
  const values =
    (cut?.values ?? 0) +
    [
      originalId !== letter.originalId,
      reason !== letter.reason,
      group !== letter.group,
      consumer !== letter.consumer,
    ].filter(Boolean).length;
  const left = cut?.fields ?? 0;
  const bounded = { ...letter, originalId, reason, group, consumer, fields };
  return left + values === 0 ? bounded : { ...bounded, cut: { fields: left, values } };
}

export function boundedType<T extends string | null>(type: T): T {
  return (type === null ? type : boundedText(type, VIEW_TYPE_MAX)) as T;
}

/** A string read from Redis that any client may have written, as a page is sent it: at most 1,000 characters. */
export function boundedText(text: string, chars = VIEW_CHARS_MAX): string {
  return cutText(text, chars);
}
