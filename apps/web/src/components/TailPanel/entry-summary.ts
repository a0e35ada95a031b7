import type { EntryView } from '@streamscope/protocol';

/** The producer writes `type` and `ts_ms` first; everything else is the payload. */
export function entryType(entry: EntryView): string {
  return entry.fields.type ?? '—';
}

export function entryPayload(entry: EntryView): string {
  return payloadText(entry.fields, entry.cut);
}

/**
 * `order_id=o-1  customer=alice  amount=9.50`: the fields after `type` and `ts_ms`, and what the server left out of
 * an entry too large to send whole (`[shortened: 1 value cut at 1,000 characters, 400 more fields; …]`), ending
 * with where to see it whole.
 */
export function payloadText(
  fields: Readonly<Record<string, string>>,
  cut?: EntryView['cut'],
  whole = 'replay it to see it whole',
): string {
  const text = Object.entries(fields)
    .filter(([name]) => name !== 'type' && name !== 'ts_ms')
    .map(([name, value]) => `${name}=${value}`)
    .join('  ');
  return cut ? `${text}  ${cutNote(cut, whole)}` : text;
}

/** `[shortened: 1 value cut at 1,000 characters, 400 more fields; <whole>]`: what the server left out. */
export function cutNote(cut: NonNullable<EntryView['cut']>, whole?: string): string {
  const parts = [
    cut.values > 0 ? `${plural(cut.values, 'value')} cut at 1,000 characters` : '',
    cut.fields > 0 ? `${plural(cut.fields, 'more field')}` : '',
  ].filter((part) => part !== '');
  return `[shortened: ${parts.join(', ')}${whole === undefined ? '' : `; ${whole}`}]`;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}
