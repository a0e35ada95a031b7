import { WIDE_PAYLOAD_FIELD } from './dead-letter-scripts.js';
import { MAX_BATCH_EVENT_FIELDS } from './event-encoding.js';
import { type EventFields, FIXED_FIELDS } from './types.js';

/**
 * A letter's own fields, always written first and in this order (by `send` and by the scripts); what follows
 * is the original payload, whatever its field names: a payload field named `dlq_reason` is payload.
 */
const META = [
  'dlq_original_id',
  'dlq_group',
  'dlq_consumer',
  'dlq_delivery_count',
  'dlq_reason',
  'dlq_ts_ms',
] as const;
type MetaName = (typeof META)[number];
const isMeta = (name: string | undefined): name is MetaName => META.includes(name as MetaName);

/**
 * A letter's own fields, read as the requeue script reads them (each of them once, up to the first field that
 * is not one), and where its payload begins.
 */
export function letterMeta(flat: readonly string[]): { meta: Partial<Record<MetaName, string>>; at: number } {
  const meta: Partial<Record<MetaName, string>> = {};
  let at = 0;
  for (; at + 1 < flat.length && at < META.length * 2; at += 2) {
    const name = flat[at];
    if (!isMeta(name) || meta[name] !== undefined) break;
    meta[name] = flat[at + 1] ?? '';
  }
  return { meta, at };
}

/**
 * Whether requeueing the letter appends to the stream: it holds a payload (from `at` on), and not one too wide
 * for the script. The script's own judgement is the one that counts; this one errs only towards appending
 * (a WIDE_PAYLOAD_FIELD holding a JSON object the script refuses), so room is never short for what it appends.
 */
export function appendsOnRequeue(flat: readonly string[], at: number): boolean {
  if (at + 1 >= flat.length) return false;
  return !(flat.length === at + 2 && flat[at] === WIDE_PAYLOAD_FIELD && unwrapWide(flat[at + 1]) !== null);
}

/** The most fields an entry may have for its letter to hold them as fields: what `produceBatch` can write. */
export const MAX_LETTER_FIELDS = MAX_BATCH_EVENT_FIELDS + FIXED_FIELDS.length;

/** A letter's payload pairs: the entry's fields, or one WIDE_PAYLOAD_FIELD holding them when too many. */
export function letterPayload(fields: EventFields | null): string[] {
  const flat = Object.entries(fields ?? {}).flat();
  return flat.length / 2 > MAX_LETTER_FIELDS ? [WIDE_PAYLOAD_FIELD, JSON.stringify(flat)] : flat;
}

/** The names and values a WIDE_PAYLOAD_FIELD holds; `null` when it holds something else (then it is payload). */
export function unwrapWide(json: string | undefined): string[] | null {
  try {
    const flat: unknown = JSON.parse(json ?? '');
    return Array.isArray(flat) && flat.every((item) => typeof item === 'string') ? flat : null;
  } catch {
    return null;
  }
}
