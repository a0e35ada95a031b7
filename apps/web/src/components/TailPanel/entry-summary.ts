import type { EntryView } from '@streamscope/protocol';

/** The producer writes `type` and `ts_ms` first; everything else is the payload. */
export function entryType(entry: EntryView): string {
  return entry.fields.type ?? '—';
}

export function entryPayload(entry: EntryView): string {
  return payloadText(entry.fields);
}

/** `order_id=o-1  customer=alice  amount=9.50`: the fields after `type` and `ts_ms`. */
export function payloadText(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .filter(([name]) => name !== 'type' && name !== 'ts_ms')
    .map(([name, value]) => `${name}=${value}`)
    .join('  ');
}
