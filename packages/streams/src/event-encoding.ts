import { unknownName } from './arguments.js';
import { REQUEUED_FROM_FIELD } from './dead-letter-scripts.js';
import { StreamArgumentError } from './errors.js';
import { show } from './stream-ids.js';
import { type EventPayload, FIXED_FIELDS } from './types.js';

/**
 * Names the library writes itself: the seed's two, and the original's ID a requeued copy carries (a requeue
 * keeps one it finds, as the first original's). Written by a producer, a requeue's copy named the wrong original.
 */
const RESERVED_FIELDS = new Set<string>([...FIXED_FIELDS, REQUEUED_FROM_FIELD]);

/**
 * An event as the seed's flat field/value list: `type` and `ts_ms` first, then the payload. Throws
 * `StreamArgumentError` naming what is wrong, so a caller can validate a whole batch before sending any.
 */
export function encodeFields(type: unknown, payload: EventPayload): string[] {
  if (typeof type !== 'string' || type.length === 0) {
    throw new StreamArgumentError(`event type must be a non-empty string, got ${show(type)}`);
  }
  // A Map or a Set keeps its pairs out of its own fields: its entry was appended with no payload at all.
  if (
    payload === null ||
    typeof payload !== 'object' ||
    Array.isArray(payload) ||
    payload instanceof Map ||
    payload instanceof Set
  ) {
    throw new StreamArgumentError(`payload must be an object of field/value pairs, got ${show(payload)}`);
  }
  const fields = ['type', type, 'ts_ms', String(Date.now())];
  // for…in, not Object.entries: no array of pairs per event, on the path every produced event takes.
  for (const field in payload) {
    if (!Object.hasOwn(payload, field)) continue;
    const value = payload[field];
    if (RESERVED_FIELDS.has(field)) throw new StreamArgumentError(`payload field ${show(field)} is reserved`);
    if (field.length === 0) throw new StreamArgumentError('payload field names must be non-empty');
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new StreamArgumentError(`payload field ${show(field)} must be a string, number or boolean`);
    }
    // Stored as "NaN" or "Infinity", text no reader would take for the number meant.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new StreamArgumentError(`payload field ${show(field)} must be a finite number, got ${value}`);
    }
    fields.push(field, String(value));
  }
  return fields;
}

/**
 * The most payload fields one `produceBatch` event may have. The batch script spreads an event's fields into
 * its XADD with Lua's `unpack`, which stops at about 8,000 values; past it the script would fail half-way,
 * with the chunk's earlier events already appended. `produce` (a plain XADD) has no such bound.
 */
export const MAX_BATCH_EVENT_FIELDS = 3_900;

/** What a `produceBatch` event holds; a `PartitionedStream`'s holds its `key` too. */
const BATCH_EVENT_KEYS = ['type', 'payload'];

/**
 * Element `index` of a `produceBatch` array, encoded for the batch script (which sends the fields as JSON).
 * Errors name the position, so a bad event in a thousand can be found.
 */
export function encodeBatchEvent(
  event: unknown,
  index: number,
  keys: readonly string[] = BATCH_EVENT_KEYS,
): string[] {
  return atIndex(index, () => {
    if (event === null || typeof event !== 'object') {
      throw new StreamArgumentError(`each event must be an object { type, payload }, got ${show(event)}`);
    }
    // A misspelt `paylaod` was dropped unheard, and the event appended without its payload.
    const unknown = unknownName(event, keys);
    if (unknown !== null)
      throw new StreamArgumentError(`unknown key ${unknown}; an event is { ${keys.join(', ')} }`);
    const { type, payload } = event as { type?: unknown; payload?: EventPayload };
    // A lone UTF-16 surrogate has no UTF-8 form; replace it as Buffer.from would on the plain XADD path.
    const fields = encodeFields(type, payload ?? {});
    for (let index = 0; index < fields.length; index++)
      fields[index] = (fields[index] as string).toWellFormed();
    const payloadFields = fields.length / 2 - FIXED_FIELDS.length;
    if (payloadFields > MAX_BATCH_EVENT_FIELDS) {
      throw new StreamArgumentError(
        `has ${payloadFields.toLocaleString('en-US')} payload fields; a produceBatch event may have at most ${MAX_BATCH_EVENT_FIELDS.toLocaleString('en-US')} (append it with produce())`,
      );
    }
    return fields;
  });
}

/** Runs a check of element `index` of a batch; an argument error it throws says which element. */
export function atIndex<T>(index: number, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof StreamArgumentError)
      throw new StreamArgumentError(`events[${index}]: ${error.message}`);
    throw error;
  }
}
