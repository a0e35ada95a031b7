import { PRECUT_PRELUDE } from './bounded-read-script.js';
import { LETTER_HEAD_PRELUDE } from './dead-letter-scripts.js';

// KEYS: dead-letter stream, the stream. ARGV: the original entry's ID (whole), the ID to read from (the original's
// millisecond: no letter of it is older, as a rule), the most letters to read, the most to return, the characters
// to keep of each value, how far (ms) an entry's ID may run ahead of its time and still be taken for its clock's.
// The letters of one entry, found by the dlq_original_id among their own fields (LETTER_HEAD_PRELUDE), oldest
// first: per letter its ID and its own fields, each value shortened as PRECUT_PRELUDE does, never its payload.
// Returns { letters, 1 when every letter from the start was read }.
// The rule fails an entry whose ID is ahead of its time (one its producer chose, or stamped after the clock stepped
// back): letters written before the clock reached its ID are older than it. Then they are read from its ts_ms (less
// the skew), or, with the entry gone or without one, from the first letter when its ID is ahead of now; as far as
// the most letters to read.
export const LETTERS_OF_LUA = `#!lua flags=no-writes
${PRECUT_PRELUDE}
${LETTER_HEAD_PRELUDE}
local original, start = ARGV[1], ARGV[2]
local left, most, maxChars = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local writtenAt
-- pcall: a stream key another client wrote over still has its letters found, as the rule finds them.
local entry = redis.pcall('XRANGE', KEYS[2], original, original)
if entry.err == nil and #entry == 1 then
  local flat = entry[1][2]
  for at = 1, #flat - 1, 2 do
    if flat[at] == 'ts_ms' then
      writtenAt = tonumber(flat[at + 1])
      break
    end
  end
end
local tolerance = tonumber(ARGV[6])
if writtenAt ~= nil then
  -- No letter of it is older than its time, give or take the clocks' skew: read from there, not from the first.
  if tonumber(start) > writtenAt + tolerance then
    start = string.format('%.0f', math.max(0, writtenAt - tolerance))
  end
else
  local now = redis.call('TIME')
  local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  if tonumber(start) > nowMs + tolerance then start = '-' end
end
local found = {}
while left > 0 do
  local page = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', math.min(left, 500))
  if #page == 0 then return { found, 1 } end
  for _, letter in ipairs(page) do
    local flat = letter[2]
    local of, payloadAt = letterHead(flat)
    if of == original then
      local meta = {}
      for at = 1, payloadAt - 1 do
        meta[at] = precut(flat[at], maxChars)
      end
      found[#found + 1] = { letter[1], meta }
      if #found >= most then return { found, 0 } end
    end
  end
  left = left - #page
  start = '(' .. page[#page][1]
end
return { found, 0 }
`;

// KEYS: dead-letter stream. ARGV: the ID to read from (the oldest original's millisecond at first: no letter of
// any of them is older; then just past the last letter read), the most letters to read, then the original entries'
// IDs (whole). Deletes the letters of those entries among the next `count`, found as LETTERS_OF_LUA finds them: finishing a thousand requeues reads the DLQ once, not once each, a page per call so that
// no call holds Redis long however large the DLQ. Returns { how many it deleted, the last letter read, or false
// when it read to the end }.
// It only reads and deletes, so Redis runs it at maxmemory too (allow-oom): a full Redis is when letters should go.
export const DISCARD_LETTERS_OF_LUA = `#!lua flags=allow-oom
${LETTER_HEAD_PRELUDE}
local count = tonumber(ARGV[2])
local originals = {}
for at = 3, #ARGV do originals[ARGV[at]] = true end
local page = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', count)
local doomed = {}
for _, letter in ipairs(page) do
  local flat = letter[2]
  if originals[letterHead(flat)] then doomed[#doomed + 1] = letter[1] end
end
local deleted = 0
for at = 1, #doomed, 500 do
  deleted = deleted + redis.call('XDEL', KEYS[1], unpack(doomed, at, math.min(at + 499, #doomed)))
end
return { deleted, #page == count and page[#page][1] or false }
`;
