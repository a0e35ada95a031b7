import { WIDE_PAYLOAD_FIELD } from './dead-letter-scripts.js';

// How a script shortens a string it must not send whole, to what a cut at `chars` characters needs (see cutText):
// the first 4 * chars bytes (a character is at most 4), going on over the continuation bytes (0x80-0xBF) of the
// character begun there, so a UTF-8 sequence is never split, and at least `chars` whole characters are left.
// Counting characters here would cost Redis a pattern match a byte (Lua 5.1 has no UTF-8 library: 20-30 ns a byte,
// 30 ms for a megabyte of cut values, while no other client is served); this costs the same for any string, and the
// caller, given the strings `precut` shortened, cuts them at `chars` characters where the counting is cheap.
export const PRECUT_PRELUDE = `
local function continues(s, at)
  local byte = string.byte(s, at)
  return byte ~= nil and byte >= 128 and byte < 192
end
local function precut(s, chars)
  local at = 4 * chars
  if #s <= at then return s, false end
  local last = at + 3
  while at < last and continues(s, at + 1) do at = at + 1 end
  if at >= #s then return s, false end
  return string.sub(s, 1, at), true
end
`;

/**
 * What reading one string into a script costs beside its bytes, counted as bytes against `readBytes`: Redis turns
 * each name and value into a Lua string at about 0.3-0.5 µs apiece, as long as about 200 bytes take.
 */
export const READ_COST_PER_STRING = 256;

// KEYS: stream. ARGV: 'newest' or 'oldest', the XREVRANGE or XRANGE bound to read from ('+', '-', an ID, or '(ID'),
// count, then the bounds: fields, chars, readBytes; then '1' to read the key as dead letters.
// Entries from the bound on, each bounded: its first `fields` fields, each name and value shortened by `precut`, so
// that only about what is shown crosses the wire and is decoded. It stops once `readBytes` of entries have been read
// (whole, as Redis reads each one into the script, each name and value counted READ_COST_PER_STRING more): a script
// holds Redis up for as long as it runs, and reading a megabyte into it takes a couple of milliseconds. The first
// entry always goes. Entries are read one at a time: a redis.call costs some 15 µs, 50 of them under a millisecond,
// where a batch could not know it was about to read 50 entries of 10 MB each after one of a kilobyte.
// A dead letter's own fields (its first six pairs, each name once, as DeadLetters reads them) come apart from its
// payload, shortened the same way; its payload may be one WIDE_PAYLOAD_FIELD holding a JSON array of its fields.
// Returns { 1 when it stopped for readBytes before count, else 0, entries }, each entry { id, names and values,
// fields left out, the positions (from 1) of the names and values precut shortened } and, for a dead letter,
// { original ID, group, consumer, delivery count, reason, time } (false for one it lacks) and the positions of those
// shortened.
export const BOUNDED_READ_LUA = `#!lua flags=no-writes
${PRECUT_PRELUDE}
local newest, bound, count = ARGV[1] == 'newest', ARGV[2], tonumber(ARGV[3])
local maxFields, maxChars, maxRead = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local letters = ARGV[7] == '1'

local function bounded(flat, from)
  local shown, shortened = {}, {}
  local fields = math.floor((#flat - from + 1) / 2)
  local taken = math.min(fields, maxFields)
  for at = from, from + 2 * taken - 1 do
    local text, cut = precut(flat[at], maxChars)
    shown[#shown + 1] = text
    if cut then shortened[#shortened + 1] = #shown end
  end
  return shown, fields - taken, shortened
end

local META = { dlq_original_id = 1, dlq_group = 2, dlq_consumer = 3, dlq_delivery_count = 4, dlq_reason = 5,
  dlq_ts_ms = 6 }
local function widePayload(json)
  if not string.find(json, '^%s*%[') then return nil end
  local ok, decoded = pcall(cjson.decode, json)
  if not ok or type(decoded) ~= 'table' then return nil end
  for _, item in ipairs(decoded) do
    if type(item) ~= 'string' then return nil end
  end
  return decoded
end
local function letter(id, flat)
  local head, headShortened, at = { false, false, false, false, false, false }, {}, 1
  while at + 1 <= #flat and at <= 11 do
    local slot = META[flat[at]]
    if not slot or head[slot] then break end
    local text, cut = precut(flat[at + 1], maxChars)
    head[slot] = text
    if cut then headShortened[#headShortened + 1] = slot end
    at = at + 2
  end
  local payload = flat
  if #flat == at + 1 and flat[at] == '${WIDE_PAYLOAD_FIELD}' then
    local wide = widePayload(flat[at + 1])
    if wide then payload, at = wide, 1 end
  end
  local shown, left, shortened = bounded(payload, at)
  return { id, shown, left, shortened, head, headShortened }
end

local out, read, stopped = {}, 0, 0
while #out < count do
  if read >= maxRead then
    stopped = 1
    break
  end
  local found
  if newest then
    found = redis.call('XREVRANGE', KEYS[1], bound, '-', 'COUNT', 1)[1]
  else
    found = redis.call('XRANGE', KEYS[1], bound, '+', 'COUNT', 1)[1]
  end
  if not found then break end
  local id, flat = found[1], found[2]
  bound = '(' .. id
  read = read + #id + ${READ_COST_PER_STRING} * #flat
  for i = 1, #flat do read = read + #flat[i] end
  if letters then
    out[#out + 1] = letter(id, flat)
  else
    local shown, left, shortened = bounded(flat, 1)
    out[#out + 1] = { id, shown, left, shortened }
  end
end
return { stopped, out }
`;
