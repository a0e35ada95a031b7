// Every Redis reply this library reads is parsed here, into typed objects. Replies arrive in RESP2 shape
// or in ioredis 6's RESP3 "legacy" shape (maps flattened to [key, value, ...]); both are handled.
import { StreamError } from './errors.js';
import { compareEntryIds, entryIdTime } from './stream-ids.js';
import type {
  AutoclaimResult,
  BacklogBatch,
  ClaimOneResult,
  ConsumerInfo,
  EntryPlace,
  EntryPlaces,
  EventFields,
  FoundEntries,
  GroupInfo,
  PendingEntry,
  PendingSummary,
  StreamEntry,
  StreamInfo,
  StreamSummary,
} from './types.js';

type Reply = unknown;

function fail(what: string, reply: Reply): never {
  throw new StreamError(`unexpected ${what} reply from Redis: ${JSON.stringify(reply)?.slice(0, 200)}`);
}

function asArray(reply: Reply, what: string): Reply[] {
  if (!Array.isArray(reply)) fail(what, reply);
  return reply;
}

function asString(reply: Reply, what: string): string {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString();
  fail(what, reply);
}

function asNumber(reply: Reply, what: string): number {
  const value = typeof reply === 'string' ? Number(reply) : reply;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(what, reply);
  return value;
}

/** The produce-batch script's reply: the appended IDs, in input order, joined by spaces. */
export function parseProducedIds(reply: Reply): string[] {
  return asString(reply, 'produce-batch').split(' ');
}

function asNullableNumber(reply: Reply, what: string): number | null {
  return reply === null || reply === undefined ? null : asNumber(reply, what);
}

/** `[k1, v1, k2, v2, ...]` -> Map, as XINFO replies come. */
function asMap(reply: Reply, what: string): Map<string, Reply> {
  const flat = asArray(reply, what);
  const map = new Map<string, Reply>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(asString(flat[i], what), flat[i + 1]);
  return map;
}

/**
 * Sets a field as an own property. Plain assignment of a field named `__proto__` (any producer may write one)
 * would set the record's prototype instead, and the field would be lost.
 */
export function setField(fields: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    fields[name] = value;
  }
}

function fieldsFrom(flat: Reply[]): EventFields {
  const fields: Record<string, string> = {};
  // Once per field of every entry read: a reply's values are strings already, so String() is kept for the rest.
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i];
    const value = flat[i + 1];
    setField(
      fields,
      typeof name === 'string' ? name : String(name),
      typeof value === 'string' ? value : String(value),
    );
  }
  // Entries written by other producers may lack the two fixed fields; they read back as empty strings, but are
  // not made the entry's own: not enumerated, spread or serialised, so a view of the entry, its dead letter and
  // the entry a requeue puts back hold the fields it has, not two more.
  for (const fixed of ['type', 'ts_ms']) {
    if (!Object.hasOwn(fields, fixed)) Object.defineProperty(fields, fixed, absentField(fixed));
  }
  return fields as EventFields;
}

/**
 * A fixed field the entry lacks: it reads `''`, and a handler may still set it (then a field of the entry, which
 * a spread and JSON keep) or delete it, as it could any field.
 */
function absentField(name: string): PropertyDescriptor {
  return {
    enumerable: false,
    configurable: true,
    get: () => '',
    set(this: Record<string, string>, value: string) {
      Object.defineProperty(this, name, { value, enumerable: true, writable: true, configurable: true });
    },
  };
}

/** One `[id, [field, value, ...]]` pair; `fields` is null when the payload was trimmed (PEL reads, claims). */
export function parseRawEntry(reply: Reply): { id: string; fields: EventFields | null } {
  const pair = asArray(reply, 'entry');
  const id = asString(pair[0], 'entry id');
  const flat = pair[1];
  return {
    id,
    fields: flat === null || flat === undefined ? null : fieldsFrom(asArray(flat, 'entry fields')),
  };
}

export function toEntry(id: string, fields: EventFields): StreamEntry {
  return { id, idMs: entryIdTime(id), fields };
}

/** Entries of XRANGE/XREVRANGE with their fields as Redis keeps them: a flat name, value, … list, in order. */
export function parseFlatEntries(reply: Reply): { id: string; flat: string[] }[] {
  return asArray(reply ?? [], 'entries').map((item) => {
    const pair = asArray(item, 'entry');
    return {
      id: asString(pair[0], 'entry id'),
      flat: asArray(pair[1] ?? [], 'entry fields').map((value) => asString(value, 'entry field')),
    };
  });
}

/**
 * The letters-of script's reply (see letters-of-script.ts): each letter's ID and own fields, and whether the
 * search read every letter there was.
 */
export function parseLettersOf(reply: Reply): {
  letters: { id: string; flat: string[] }[];
  complete: boolean;
} {
  const [letters, complete] = asArray(reply, 'letters of');
  return { letters: parseFlatEntries(letters), complete: asNumber(complete, 'letters complete') === 1 };
}

/** Entries of XRANGE/XREVRANGE/XCLAIM; XCLAIM leaves out entries it found deleted. */
export function parseEntries(reply: Reply): StreamEntry[] {
  const entries: StreamEntry[] = [];
  for (const item of asArray(reply ?? [], 'entries')) {
    const { id, fields } = parseRawEntry(item);
    if (fields) entries.push(toEntry(id, fields));
  }
  return entries;
}

/** XREADGROUP on one stream: null on timeout, else entries; trimmed PEL entries come back as deleted IDs. */
export function parseReadGroup(reply: Reply): { entries: StreamEntry[]; deletedIds: string[] } {
  const entries: StreamEntry[] = [];
  const deletedIds: string[] = [];
  if (reply === null || reply === undefined) return { entries, deletedIds };
  const outer = asArray(reply, 'XREADGROUP');
  // RESP2: [[key, items]]; RESP3 legacy mapping: [key, items].
  const items = Array.isArray(outer[0]) ? asArray(outer[0], 'XREADGROUP')[1] : outer[1];
  for (const item of asArray(items ?? [], 'XREADGROUP entries')) {
    const { id, fields } = parseRawEntry(item);
    if (fields) entries.push(toEntry(id, fields));
    else deletedIds.push(id);
  }
  return { entries, deletedIds };
}

/**
 * The backlog script's reply, `[n, json]`: its size at once, its entries (XREADGROUP's, as one JSON array)
 * parsed on the first call to `entries()`.
 */
export function parseBacklogBatch(reply: Reply): BacklogBatch {
  const [count, json] = asArray(reply, 'backlog read');
  const size = asNumber(count, 'backlog read count');
  const text = asString(json, 'backlog read entries');
  let entries: StreamEntry[] | undefined;
  return {
    size,
    entries: () => {
      entries ??= parseBacklogEntries(text, size);
      return entries;
    },
  };
}

function parseBacklogEntries(json: string, size: number): StreamEntry[] {
  if (size === 0) return [];
  let items: Reply;
  try {
    items = JSON.parse(json);
  } catch {
    fail('backlog read', json);
  }
  const list = asArray(items, 'backlog read');
  if (list.length !== size) fail(`backlog read of ${size} entries`, json);
  // A thousand entries a call while catching up: built straight into entries, without parseRawEntry's pair.
  const entries: StreamEntry[] = [];
  for (const item of list) {
    const pair = asArray(item, 'backlog read entry');
    const flat = pair[1];
    // A `>` read only delivers entries that exist: a missing payload means the reply is not what we think.
    if (!Array.isArray(flat)) fail('backlog read entry', item);
    entries.push(toEntry(asString(pair[0], 'entry id'), fieldsFrom(flat)));
  }
  return entries;
}

export function parseAutoclaim(
  reply: Reply,
): Omit<AutoclaimResult, 'deadLettered' | 'deletedDeliveryCounts' | 'deletedHolders'> {
  const [cursor, claimedReply, deletedReply] = asArray(reply, 'XAUTOCLAIM');
  if (deletedReply === undefined) {
    throw new StreamError('XAUTOCLAIM replied without a deleted-IDs list: Redis 7.0 or later is required');
  }
  const claimed: StreamEntry[] = [];
  const deletedIds = asArray(deletedReply, 'XAUTOCLAIM deleted').map((id) => asString(id, 'deleted id'));
  for (const item of asArray(claimedReply, 'XAUTOCLAIM claimed')) {
    const { id, fields } = parseRawEntry(item);
    if (fields) claimed.push(toEntry(id, fields));
    else deletedIds.push(id);
  }
  return { cursor: asString(cursor, 'XAUTOCLAIM cursor'), claimed, deletedIds };
}

/** The autoclaim-with-letters script's reply (see dead-letter-scripts.ts): one page of a claim. */
export function parseAutoclaimWithLetters(reply: Reply): AutoclaimResult {
  const [cursor, claimedReply, letteredReply, unjudgedReply, deliveriesReply, holdersReply] = asArray(
    reply,
    'autoclaim with letters',
  );
  // Shaped as XAUTOCLAIM's own reply once the letters are set aside.
  const page = parseAutoclaim([cursor, claimedReply, unjudgedReply]);
  const unjudged = asArray(unjudgedReply, 'unjudged trimmed IDs');
  const deliveries = asArray(deliveriesReply, 'unjudged delivery counts');
  const holders = asArray(holdersReply, 'unjudged holders');
  const deletedDeliveryCounts = new Map<string, number>();
  const deletedHolders = new Map<string, string>();
  unjudged.forEach((id, index) => {
    const count = deliveries[index];
    if (count !== null && count !== undefined)
      deletedDeliveryCounts.set(asString(id, 'trimmed id'), asNumber(count, 'trimmed delivery count'));
    const holder = holders[index];
    if (holder !== null && holder !== undefined)
      deletedHolders.set(asString(id, 'trimmed id'), asString(holder, 'trimmed holder'));
  });
  const deadLettered = asArray(letteredReply, 'trimmed letters').map((letter) => {
    const [id, consumer, deliveries] = asArray(letter, 'trimmed letter');
    return {
      id: asString(id, 'trimmed id'),
      consumer: asString(consumer, 'trimmed consumer'),
      deliveryCount: asNumber(deliveries, 'trimmed delivery count'),
    };
  });
  return { ...page, deletedDeliveryCounts, deletedHolders, deadLettered };
}

/** The claim-one script's reply (see claim-one-script.ts). */
export function parseClaimOne(reply: Reply): ClaimOneResult {
  const [outcome, row, claimedReply] = asArray(reply, 'claim one');
  const kind = asString(outcome, 'claim outcome');
  if (kind === 'not-pending') return { claimed: false, reason: kind };
  const [pending] = parsePendingDetail([row]);
  if (!pending) fail('claim one', reply);
  if (kind === 'own' || kind === 'idle' || kind === 'trimmed')
    return { claimed: false, reason: kind, pending };
  const [entry] = parseEntries(claimedReply);
  // Checked in the same step: the entry is in the stream, so XCLAIM returns it, at its bumped delivery count.
  if (kind !== 'claimed' || !entry) fail('claim one', reply);
  return { claimed: true, entry, from: pending.consumer, deliveryCount: pending.deliveries + 1 };
}

/** The entry-places script's reply (see entry-places-script.ts) about entry `id`. */
export function parseEntryPlaces(reply: Reply, id: string): EntryPlaces {
  const [places, omitted] = asArray(reply, 'entry places');
  return {
    places: asArray(places ?? [], 'entry places').map((place): EntryPlace => {
      const [name, cursor, row] = asArray(place, 'entry place');
      const group = asString(name, 'group');
      const lastDeliveredId = asString(cursor, 'last-delivered-id');
      const [pending] = row === null || row === undefined ? [] : parsePendingDetail([row]);
      if (pending) {
        const { consumer, idleMs, deliveries } = pending;
        return { group, lastDeliveredId, state: 'pending', consumer, idleMs, deliveries };
      }
      const state = compareEntryIds(id, lastDeliveredId) <= 0 ? 'done' : 'unread';
      return { group, lastDeliveredId, state };
    }),
    groupsOmitted: asNumber(omitted, 'groups omitted'),
  };
}

/** The find-by-field script's reply (see find-by-field-script.ts); `cut` makes each type as the caller shows it. */
export function parseFoundEntries(
  reply: Reply,
  cut: (type: string, shortened: boolean) => string,
): FoundEntries {
  const [matches, read, last] = asArray(reply, 'find by field');
  return {
    matches: asArray(matches ?? [], 'find by field').map((match) => {
      const [id, type, shortened] = asArray(match, 'found entry');
      return {
        id: asString(id, 'id'),
        type:
          type === null || type === undefined ? null : cut(asString(type, 'type'), Number(shortened) === 1),
      };
    }),
    read: asNumber(read, 'entries read'),
    stoppedAt: last === null || last === undefined ? null : asString(last, 'last ID read'),
  };
}

/** The types-of script's reply: one type per ID read, `null` for an ID no longer in the stream, and those shortened. */
export function parseTypesOf(reply: Reply): { types: (string | null)[]; shortened: Set<number> } {
  const [types, shortened] = asArray(reply, 'types of');
  return {
    types: asArray(types ?? [], 'types of').map((type) =>
      type === null || type === undefined ? null : asString(type, 'entry type'),
    ),
    shortened: new Set(
      asArray(shortened ?? [], 'types shortened').map((at) => asNumber(at, 'type position')),
    ),
  };
}

/**
 * One entry of the bounded-read script's reply: its names and values as sent (`shortened` lists the positions, from
 * 1, of those the script shortened), how many fields it left out, and, read as a dead letter, its own fields
 * (`null` for one it lacks) and the slots, from 1, of those shortened.
 */
export interface BoundedRow {
  readonly id: string;
  readonly flat: string[];
  readonly left: number;
  readonly shortened: ReadonlySet<number>;
  readonly head: (string | null)[] | null;
  readonly headShortened: ReadonlySet<number>;
}

/** The bounded-read script's reply: whether it stopped short for its bounds, and its entries. */
export function parseBoundedRead(reply: Reply): { rows: BoundedRow[]; stoppedShort: boolean } {
  const [stopped, entries] = asArray(reply, 'bounded read');
  const positions = (list: Reply) =>
    new Set(asArray(list ?? [], 'bounded read positions').map((at) => asNumber(at, 'bounded read position')));
  const rows = asArray(entries ?? [], 'bounded read entries').map((item) => {
    const [id, flat, left, shortened, head, headShortened] = asArray(item, 'bounded entry');
    return {
      id: asString(id, 'bounded entry id'),
      flat: asArray(flat ?? [], 'bounded entry fields').map((value) =>
        asString(value, 'bounded entry field'),
      ),
      left: asNumber(left, 'bounded entry fields left out'),
      shortened: positions(shortened),
      head:
        head === undefined
          ? null
          : asArray(head, 'dead letter head').map((value) =>
              value === null || value === undefined ? null : asString(value, 'dead letter field'),
            ),
      headShortened: positions(headShortened),
    };
  });
  return { rows, stoppedShort: asNumber(stopped, 'bounded read stop') === 1 };
}

/** The count-range script's reply: how many entries its XRANGE found, and the last one's ID (`null`: none). */
export function parseCountRange(reply: Reply): { count: number; last: string | null } {
  const [count, last] = asArray(reply, 'count range');
  const lastId = asString(last, 'count range last id');
  return { count: asNumber(count, 'count range count'), last: lastId === '' ? null : lastId };
}

export function parseIds(reply: Reply): string[] {
  return asArray(reply ?? [], 'ids').map((id) => asString(id, 'id'));
}

function parseNullableEntry(reply: Reply): StreamEntry | null {
  if (reply === null || reply === undefined) return null;
  const { id, fields } = parseRawEntry(reply);
  return fields ? toEntry(id, fields) : null;
}

function nullableId(reply: Reply): string | null {
  return reply === null || reply === undefined ? null : asString(reply, 'id');
}

export function parseStreamInfo(reply: Reply): StreamInfo {
  const map = asMap(reply, 'XINFO STREAM');
  const firstEntry = parseNullableEntry(map.get('first-entry'));
  const lastEntry = parseNullableEntry(map.get('last-entry'));
  return {
    ...streamFigures(map),
    firstEntryId: firstEntry?.id ?? null,
    lastEntryId: lastEntry?.id ?? null,
    firstEntry,
    lastEntry,
  };
}

/** The stream-summary script's reply: XINFO STREAM with the first and last entries' IDs in place of the entries. */
export function parseStreamSummary(reply: Reply): StreamSummary {
  const map = asMap(reply, 'XINFO STREAM (summary)');
  return {
    ...streamFigures(map),
    firstEntryId: nullableId(map.get('first-entry')),
    lastEntryId: nullableId(map.get('last-entry')),
  };
}

function streamFigures(map: Map<string, Reply>) {
  return {
    length: asNumber(map.get('length'), 'length'),
    radixTreeKeys: asNumber(map.get('radix-tree-keys'), 'radix-tree-keys'),
    radixTreeNodes: asNumber(map.get('radix-tree-nodes'), 'radix-tree-nodes'),
    lastGeneratedId: asString(map.get('last-generated-id'), 'last-generated-id'),
    maxDeletedEntryId: nullableId(map.get('max-deleted-entry-id')),
    entriesAdded: asNullableNumber(map.get('entries-added'), 'entries-added'),
    recordedFirstEntryId: nullableId(map.get('recorded-first-entry-id')),
    groups: asNumber(map.get('groups'), 'groups'),
  };
}

export function parseGroups(reply: Reply): GroupInfo[] {
  return asArray(reply, 'XINFO GROUPS').map((group) => {
    const map = asMap(group, 'XINFO GROUPS');
    return {
      name: asString(map.get('name'), 'name'),
      consumers: asNumber(map.get('consumers'), 'consumers'),
      pending: asNumber(map.get('pending'), 'pending'),
      lastDeliveredId: asString(map.get('last-delivered-id'), 'last-delivered-id'),
      entriesRead: asNullableNumber(map.get('entries-read'), 'entries-read'),
      lag: asNullableNumber(map.get('lag'), 'lag'),
    };
  });
}

export function parseConsumers(reply: Reply): ConsumerInfo[] {
  return asArray(reply, 'XINFO CONSUMERS').map((consumer) => {
    const map = asMap(consumer, 'XINFO CONSUMERS');
    return {
      name: asString(map.get('name'), 'name'),
      pending: asNumber(map.get('pending'), 'pending'),
      idleMs: asNumber(map.get('idle'), 'idle'),
      inactiveMs: asNullableNumber(map.get('inactive'), 'inactive'),
    };
  });
}

export function parsePendingSummary(reply: Reply): PendingSummary {
  const [count, minId, maxId, consumers] = asArray(reply, 'XPENDING');
  return {
    count: asNumber(count, 'XPENDING count'),
    minId: nullableId(minId),
    maxId: nullableId(maxId),
    consumers: asArray(consumers ?? [], 'XPENDING consumers').map((row) => {
      const [name, pending] = asArray(row, 'XPENDING consumer');
      return { name: asString(name, 'consumer'), pending: asNumber(pending, 'consumer pending') };
    }),
  };
}

export function parsePendingDetail(reply: Reply): PendingEntry[] {
  return asArray(reply, 'XPENDING').map((row) => {
    const [id, consumer, idle, deliveries] = asArray(row, 'XPENDING row');
    return {
      id: asString(id, 'id'),
      consumer: asString(consumer, 'consumer'),
      idleMs: asNumber(idle, 'idle'),
      deliveries: asNumber(deliveries, 'deliveries'),
    };
  });
}
