import type { EntryView } from '@streamscope/protocol';

/** The producer writes `type` and `ts_ms` first; everything else is the payload. */
export function entryType(entry: EntryView): string {
  return entry.fields.type ?? '—';
}

export function entryPayload(entry: EntryView): string {
  return Object.entries(entry.fields)
    .filter(([name]) => name !== 'type' && name !== 'ts_ms')
    .map(([name, value]) => `${name}=${value}`)
    .join('  ');
}
