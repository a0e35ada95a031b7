import { PRECUT_PRELUDE, READ_COST_PER_STRING } from './bounded-read-script.js';

// KEYS: stream. ARGV: field name, value, the XREVRANGE end to read from ('+' or '(ID'), the most entries to read,
// the most to return, the characters to keep of a type, the bytes of entries to read at most. Newest first, the
// entries holding `value` in field `name` (the first such field: a name written twice counts once, as readers take
// the first): per match its ID, its `type` (false, a null reply, when it has none) shortened as PRECUT_PRELUDE does,
// and 1 when it was. Redis reads each entry whole into the script, so pages shrink to what the bytes left allow, judged by the
// entries read so far (one first, 200 at most, one at the least: another application's megabyte entries are read
// one at a time, and the search stops past the bound). Returns { matches, how many entries it read, the ID of the
// last one read when it stopped before the stream's start (to go on from), or false }.
export const FIND_BY_FIELD_LUA = `#!lua flags=no-writes
${PRECUT_PRELUDE}
local name, value, finish = ARGV[1], ARGV[2], ARGV[3]
local left, most, maxChars, bytesLeft = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local matches, read, bytes, last = {}, 0, 0, false
local pageSize = 1
while left > 0 and bytesLeft > 0 do
  local page = redis.call('XREVRANGE', KEYS[1], finish, '-', 'COUNT', math.min(left, pageSize))
  if #page == 0 then return { matches, read, false } end
  for _, entry in ipairs(page) do
    read = read + 1
    last = entry[1]
    local flat, type, cut, holds = entry[2], false, 0, nil
    for at = 1, #flat do
      bytes = bytes + #flat[at] + ${READ_COST_PER_STRING}
      bytesLeft = bytesLeft - #flat[at] - ${READ_COST_PER_STRING}
    end
    for at = 1, #flat - 1, 2 do
      local field = flat[at]
      if field == name and holds == nil then holds = flat[at + 1] == value end
      if field == 'type' and type == false then
        local shortened
        type, shortened = precut(flat[at + 1], maxChars)
        if shortened then cut = 1 end
      end
    end
    if holds then
      matches[#matches + 1] = { entry[1], type, cut }
      if #matches >= most then return { matches, read, last } end
    end
  end
  left = left - #page
  finish = '(' .. last
  pageSize = math.max(1, math.min(200, math.floor(bytesLeft / (bytes / read))))
end
-- Stopped by a bound right at the stream's oldest entry: nothing is left to search on to.
if last and #redis.call('XREVRANGE', KEYS[1], finish, '-', 'COUNT', 1) == 0 then last = false end
return { matches, read, last }
`;
