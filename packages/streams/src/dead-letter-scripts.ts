// KEYS: stream, dlq. ARGV: group, id, '1' when the entry must still be pending (then it is acked too), then
// the dead letter's field/value pairs. Checking the PEL first makes a retry after a lost reply a no-op:
// an entry is never written to the DLQ twice, and never acked without being written.
export const DEAD_LETTER_LUA = `
local requirePending = ARGV[3] == '1'
if requirePending then
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
  if #pending == 0 then return false end
end
local dlqId = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
if requirePending then redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) end
return dlqId
`;

// KEYS: stream, dlq. ARGV: group, id, consumer, delivery count, min-idle-ms, then the dead letter's field/value
// pairs. Writes the letter and acks the entry only while it is pending as the caller read it: held by that
// consumer, delivered that many times, idle at least min-idle. A claim in between (XAUTOCLAIM, XCLAIM, a
// handover) gave it to a consumer that may be handling it now: then nothing is written, and the caller reads
// it again.
export const PENDING_DEAD_LETTER_LUA = `
local row = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', tonumber(ARGV[5]), ARGV[2], ARGV[2], 1)[1]
if not row or row[2] ~= ARGV[3] or row[4] ~= tonumber(ARGV[4]) then return false end
local dlqId = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 6))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return dlqId
`;

// A letter's own fields, as the Lua scripts read them: each of them at most once, before the first field that is
// not one (dead-letter-layout's letterMeta reads them the same way), whatever their order (another client may
// write letters too). Answers the original entry's ID ('' when it names none) and where the payload begins.
export const LETTER_HEAD_PRELUDE = `local LETTER_FIELDS = { dlq_original_id = true, dlq_group = true, dlq_consumer = true,
  dlq_delivery_count = true, dlq_reason = true, dlq_ts_ms = true }
local function letterHead(flat)
  local seen, original, at = {}, '', 1
  while at < #flat and at <= 12 and LETTER_FIELDS[flat[at]] and not seen[flat[at]] do
    if flat[at] == 'dlq_original_id' then original = flat[at + 1] end
    seen[flat[at]] = true
    at = at + 2
  end
  return original, at
end
`;

/** The field of a requeued copy that names the original entry's ID: the key an idempotent handler uses. */
export const REQUEUED_FROM_FIELD = 'requeued_from';

/**
 * The one payload field of a letter whose entry had more fields than a script can spread into one XADD
 * (Lua's unpack stops near 8,000 values): the fields as a JSON array of names and values. Such an entry is
 * still dead-lettered and acked in one step; it cannot be requeued by script.
 */
export const WIDE_PAYLOAD_FIELD = 'dlq_fields_json';

/**
 * The hash beside a DLQ that marks the entries a requeue has put back and whose other letters (one per group that
 * dead-lettered it) it has yet to discard: original ID -> the copy's ID. Set in the same step as the copy, so that
 * neither a requeue of a sibling racing it (another client) nor one after the process died before discarding can
 * put the entry back twice.
 */
export function requeueMarksKey(dlqKey: string): string {
  return `${dlqKey}:requeued`;
}

// KEYS: dlq, stream, requeue marks (see requeueMarksKey). ARGV: dlq entry id, maxlen ('' = uncapped), fresh ts_ms.
// Appends the original fields to the stream again, deletes the dead letter and marks the original as put back,
// in one step: requeued exactly once or not at all. A letter whose original is marked already is deleted
// without appending: its entry is back. A letter's own fields are its first six pairs (see DeadLetters);
// everything after them is payload, even a field named like them. The copy names the original in
// REQUEUED_FROM_FIELD (kept from the first requeue). Returns [new ID, original ID, event type]; nil when
// there is no such letter; [the earlier copy's ID, original ID, '', 'merged'] when its entry was back already;
// ['', original ID, ''] (the letter left in place) when it holds no payload: its entry was trimmed unread;
// ['', original ID, '', 'wide'] when its payload is a WIDE_PAYLOAD_FIELD, too many fields to append here.
// The marks key of another type is refused before anything is written: a script's writes are not undone when a
// later command in it fails.
export const REQUEUE_LUA = `
${LETTER_HEAD_PRELUDE}
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local marksType = redis.call('TYPE', KEYS[3])['ok']
if marksType ~= 'none' and marksType ~= 'hash' then
  return redis.error_reply('WRONGTYPE the requeue marks key ' .. KEYS[3] .. ' holds a ' .. marksType .. ', not a hash')
end
local fields = found[1][2]
local original_id, at = letterHead(fields)
local event_type = ''
-- Only a stream ID (20 digits a side at most) is marked: another client may have written anything there.
local markable = #original_id <= 41 and string.match(original_id, '^%d+%-%d+$') ~= nil
if markable then
  local copy = redis.call('HGET', KEYS[3], original_id)
  if copy then
    redis.call('XDEL', KEYS[1], ARGV[1])
    return { copy, original_id, '', 'merged' }
  end
end
-- Wide only when it holds what the writer put there, a JSON array, as the reader (DeadLetters) judges it.
if #fields == at + 1 and fields[at] == '${WIDE_PAYLOAD_FIELD}' then
  local ok, decoded = pcall(cjson.decode, fields[at + 1])
  if ok and type(decoded) == 'table' then return { '', original_id, '', 'wide' } end
end
local out, requeued_from = {}, false
for i = at, #fields - 1, 2 do
  local name = fields[i]
  if name == 'type' then event_type = fields[i + 1] end
  if name == '${REQUEUED_FROM_FIELD}' then requeued_from = true end
  out[#out + 1] = name
  out[#out + 1] = name == 'ts_ms' and ARGV[3] or fields[i + 1]
end
if #out == 0 then return { '', original_id, '' } end
if not requeued_from then
  out[#out + 1] = '${REQUEUED_FROM_FIELD}'
  out[#out + 1] = original_id
end
local id
if ARGV[2] ~= '' then
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(out))
else
  id = redis.call('XADD', KEYS[2], '*', unpack(out))
end
redis.call('XDEL', KEYS[1], ARGV[1])
if markable then redis.call('HSET', KEYS[3], original_id, id) end
return {id, original_id, event_type}
`;

// How the scripts that letter trimmed entries begin (KEYS: stream, dlq): a DLQ key of another type is refused
// before anything is written, since a script's writes are not undone when a later command in it fails; and
// `letterTrimmed` writes one letter, its own fields first, as DeadLetters reads them.
const TRIMMED_LETTERS_PRELUDE = `local stream, dlq = KEYS[1], KEYS[2]
local dlqType = redis.call('TYPE', dlq)['ok']
if dlqType ~= 'none' and dlqType ~= 'stream' then
  return redis.error_reply('WRONGTYPE the dead-letter key ' .. dlq .. ' holds a ' .. dlqType .. ', not a stream')
end
local function letterTrimmed(id, group, holder, deliveries, now)
  redis.call('XADD', dlq, '*', 'dlq_original_id', id, 'dlq_group', group, 'dlq_consumer', holder,
    'dlq_delivery_count', deliveries, 'dlq_reason', 'trimmed', 'dlq_ts_ms', now)
end
`;

// KEYS: stream, dlq. ARGV: group, consumer, min-idle-ms, start ID, count, now (ms), then the IDs the caller's
// workers hold, which it judges itself.
// One XAUTOCLAIM page, and in the same step a dead letter (reason `trimmed`) for each pending ID it finds
// trimmed. Redis 7.0's XAUTOCLAIM drops such IDs from the PEL as it reports them: a letter written by a
// later call is lost if the caller dies in between. Their PEL rows are read first, so that a letter names
// the consumer that held the entry and its delivery count; XAUTOCLAIM looks at no more than count * 10 of them.
// Only IDs below the stream's oldest entry can have been trimmed; above it, only up to the largest ID XDEL ever
// removed from the stream (XINFO STREAM's max-deleted-entry-id, which trimming leaves alone): a stream no one
// deleted from mid-stream costs no rows there. An ID idle less than min-idle was delivered lately: its consumer
// may be handling it right now, payload in hand, so it is not lettered here but returned for the caller to
// judge, as are IDs with no row.
// A script's writes are not undone when a later command in it fails, so whatever could fail is ruled out
// before XAUTOCLAIM: a DLQ key of another type is refused up front, and the shebang has Redis refuse the
// whole script, not its second half, when memory is full.
// Returns { cursor, claimed entries, { id, consumer, deliveries } per letter, IDs left to judge, each one's
// delivery count and each one's consumer as its row had them (false without a row) }: XAUTOCLAIM has dropped them
// from the PEL, so no later XPENDING can tell the caller whose they were, nor a count, for their letters.
export const AUTOCLAIM_WITH_LETTERS_LUA = `#!lua
${TRIMMED_LETTERS_PRELUDE}
local group, consumer, minIdle, start, count = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local heldByCaller = {}
for i = 7, #ARGV do heldByCaller[ARGV[i]] = true end
-- Whether stream ID a comes before b: as numbers, which Lua's doubles cannot hold past 2^53, so digit by digit.
local function idBefore(a, b)
  local aMs, aSeq = string.match(a, '^(%d+)-(%d+)$')
  local bMs, bSeq = string.match(b, '^(%d+)-(%d+)$')
  if #aMs ~= #bMs then return #aMs < #bMs end
  if aMs ~= bMs then return aMs < bMs end
  if #aSeq ~= #bSeq then return #aSeq < #bSeq end
  return aSeq < bSeq
end
-- One XINFO STREAM gives both bounds: the oldest entry, and the largest ID XDEL removed.
local below = '+'
if redis.call('EXISTS', stream) == 1 then
  local info, oldest, deleted = redis.call('XINFO', 'STREAM', stream), nil, nil
  for at = 1, #info - 1, 2 do
    if info[at] == 'first-entry' and info[at + 1] then oldest = info[at + 1][1] end
    if info[at] == 'max-deleted-entry-id' then deleted = info[at + 1] end
  end
  if oldest then
    below = '(' .. oldest
    if deleted and not idBefore(deleted, oldest) then below = deleted end
  end
end
local rows = {}
for _, row in ipairs(redis.call('XPENDING', stream, group, start, below, count * 10)) do
  rows[row[1]] = row
end
local page = redis.call('XAUTOCLAIM', stream, group, consumer, minIdle, start, 'COUNT', count)
local lettered, unjudged, unjudgedDeliveries, unjudgedHolders = {}, {}, {}, {}
for _, id in ipairs(page[3]) do
  local row = rows[id]
  if row and row[3] >= minIdle and not heldByCaller[id] then
    letterTrimmed(id, group, row[2], row[4], ARGV[6])
    lettered[#lettered + 1] = { id, row[2], row[4] }
  else
    unjudged[#unjudged + 1] = id
    unjudgedDeliveries[#unjudgedDeliveries + 1] = row and row[4] or false
    unjudgedHolders[#unjudgedHolders + 1] = row and row[2] or false
  end
end
return { page[1], page[2], lettered, unjudged, unjudgedDeliveries, unjudgedHolders }
`;

// KEYS: stream, dlq. ARGV: group, from, to, start (an XPENDING bound), count, now (ms).
// One page of a handover: the next `count` entries `from` holds go to `to`, and in the same step each one
// whose payload was trimmed gets a dead letter (reason `trimmed`, naming `from` and its delivery count) and
// is acked. XCLAIM would otherwise drop such IDs from the PEL without a trace (Redis 7.0 does so on claim).
// Checks that could fail come first, as in the autoclaim script. Returns { moved, letters, last ID seen }.
export const HANDOVER_WITH_LETTERS_LUA = `#!lua
${TRIMMED_LETTERS_PRELUDE}
local group, from, to = ARGV[1], ARGV[2], ARGV[3]
local rows = redis.call('XPENDING', stream, group, ARGV[4], '+', tonumber(ARGV[5]), from)
-- unpack() only spreads as the last argument, so the XCLAIM is built whole, IDs then JUSTID.
local claim, letters, moved = { 'XCLAIM', stream, group, to, 0 }, {}, {}
for _, row in ipairs(rows) do
  local id = row[1]
  if #redis.call('XRANGE', stream, id, id) == 1 then
    claim[#claim + 1] = id
    moved[#moved + 1] = { id, row[4] }
  else
    letterTrimmed(id, group, from, row[4], ARGV[6])
    redis.call('XACK', stream, group, id)
    letters[#letters + 1] = { id, row[4] }
  end
end
-- Each one XPENDING listed and the stream still holds is claimed: nothing else runs in between.
if #claim > 5 then
  claim[#claim + 1] = 'JUSTID'
  redis.call(unpack(claim))
end
local last = #rows > 0 and rows[#rows][1] or false
return { moved, letters, last }
`;
