import type { EntryView } from '@streamscope/protocol';
import { formatCountOf } from '../../lib/format';

/**
 * Characters of an entry's payload a table row is given, its tooltip too: more than the widest Payload cell shows
 * before its ellipsis. A replay returns entries whole, and another client's 13 entries of 300,000 characters, given
 * whole, had the browser shape and lay out about 4 MB of text for the 200 or so characters each row shows: one task
 * of about 2 s (3 to 4 s on a loaded machine) before the answer showed. The whole entry is its timeline, a click on
 * its ID away.
 */
export const PAYLOAD_CHARS_SHOWN = 1_000;

/** The producer writes `type` and `ts_ms` first; everything else is the payload. */
export function entryType(entry: EntryView): string {
  return entry.fields.type ?? '—';
}

/** An entry's payload line as a table row shows it: its first {@link PAYLOAD_CHARS_SHOWN} characters. */
export function entryPayload(entry: EntryView): string {
  return payloadText(entry.fields, entry.cut, { chars: PAYLOAD_CHARS_SHOWN });
}

export interface PayloadTextOptions {
  /** Where to see the entry whole, said after what the server left out. */
  readonly whole?: string;
  /** The most characters of the fields given, an ellipsis after them when there are more. */
  readonly chars?: number;
}

/**
 * `order_id=o-1  customer=alice  amount=9.50`: the fields after `type` and `ts_ms`, and what the server left out of
 * an entry too large to send whole (`[shortened: 1 value cut at 1,000 characters, 400 more fields; …]`), ending
 * with where to see it whole. That note comes after the fields whatever `chars` cuts of them.
 */
export function payloadText(
  fields: Readonly<Record<string, string>>,
  cut?: EntryView['cut'],
  { whole = 'replay it to see it whole', chars = Number.POSITIVE_INFINITY }: PayloadTextOptions = {},
): string {
  const text = Object.entries(fields)
    .filter(([name]) => name !== 'type' && name !== 'ts_ms')
    .map(([name, value]) => `${name}=${value}`)
    .join('  ');
  const shown = text.length > chars ? `${startOf(text, chars)}…` : text;
  return cut ? `${shown}  ${cutNote(cut, whole)}` : shown;
}

/** `[shortened: 1 value cut at 1,000 characters, 400 more fields; <whole>]`: what the server left out. */
export function cutNote(cut: NonNullable<EntryView['cut']>, whole?: string): string {
  const parts = [
    cut.values > 0 ? `${formatCountOf(cut.values, 'value', 'values')} cut at 1,000 characters` : '',
    cut.fields > 0 ? formatCountOf(cut.fields, 'more field', 'more fields') : '',
  ].filter((part) => part !== '');
  return `[shortened: ${parts.join(', ')}${whole === undefined ? '' : `; ${whole}`}]`;
}

/** The first `chars` UTF-16 units of `text`, one fewer where the last would split a character in two. */
function startOf(text: string, chars: number): string {
  const last = text.charCodeAt(chars - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? chars - 1 : chars);
}
