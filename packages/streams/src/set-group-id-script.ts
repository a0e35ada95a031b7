// How the scripts that place a group begin: `entriesReadAt(key, id, most)`, the entries-read counter of a
// cursor at `id`, counted for XGROUP's ENTRIESREAD when at most `most` entries lie after it (`$`: none; nil beyond,
// for a missing stream, and for an ID no range can start after). Without it Redis 7.0 knows the counter of a group
// placed mid-stream only once the group reaches the newest entry, so its lag reads as unknown all the while it
// catches up, just when it matters; and of one placed at `$` only until a trim, which then goes uncounted in its
// lag, its loss unseen. Counted in the script that places the group, so no append comes between.
const ENTRIES_READ_PRELUDE = `
local function entriesAdded(key)
  local info = redis.call('XINFO', 'STREAM', key)
  for i = 1, #info - 1, 2 do
    if info[i] == 'entries-added' then return info[i + 1] end
  end
  return nil
end
local function entriesReadAt(key, id, most)
  if redis.call('EXISTS', key) == 0 then return nil end
  if id == '$' then return entriesAdded(key) end
  if most <= 0 then return nil end
  local counted, from = 0, '(' .. id
  while true do
    local want = math.min(1000, most + 1 - counted)
    local page = redis.pcall('XRANGE', key, from, '+', 'COUNT', want)
    if page.err then return nil end
    counted = counted + #page
    if counted > most then return nil end
    if #page < want then break end
    from = '(' .. page[#page][1]
  end
  local added = entriesAdded(key)
  return added and added - counted
end
local function groupRow(key, group)
  for _, candidate in ipairs(redis.call('XINFO', 'GROUPS', key)) do
    for i = 1, #candidate - 1, 2 do
      if candidate[i] == 'name' and candidate[i + 1] == group then return candidate end
    end
  end
  return nil
end
`;

// KEYS: stream. ARGV: group, start ID ('$' or an entry ID), the most entries to count after it.
// XGROUP CREATE ... MKSTREAM, with ENTRIESREAD when it can be counted (see ENTRIES_READ_PRELUDE). Returns 1 when it
// created the group, 0 when the group was there (left as it was).
export const CREATE_GROUP_LUA = `${ENTRIES_READ_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 and groupRow(KEYS[1], ARGV[1]) then return 0 end
local read = entriesReadAt(KEYS[1], ARGV[2], tonumber(ARGV[3]))
if read then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], ARGV[2], 'MKSTREAM', 'ENTRIESREAD', read)
else
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], ARGV[2], 'MKSTREAM')
end
return 1
`;

// KEYS: stream. ARGV: group, id ('$' or an entry ID), the most entries to count after it. XGROUP SETID (with
// ENTRIESREAD when it can be counted, see ENTRIES_READ_PRELUDE) between two reads of the group's XINFO GROUPS row,
// in one step: the rows say where the cursor was and where the move put it, before a consumer reading at once from
// there has moved it on. Returns { row before, row after }, each as XINFO GROUPS gives one; NOGROUP, as Redis words
// it, when there is no such group (or stream).
export const SET_GROUP_ID_LUA = `${ENTRIES_READ_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 or not groupRow(KEYS[1], ARGV[1]) then
  return redis.error_reply("NOGROUP No such consumer group '" .. ARGV[1] .. "' for key name '" .. KEYS[1] .. "'")
end
local before = groupRow(KEYS[1], ARGV[1])
local read = entriesReadAt(KEYS[1], ARGV[2], tonumber(ARGV[3]))
if read then
  redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], ARGV[2], 'ENTRIESREAD', read)
else
  redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], ARGV[2])
end
return { before, groupRow(KEYS[1], ARGV[1]) }
`;

/**
 * The most entries a group's placing counts after its position for XGROUP's ENTRIESREAD: its lag is known from
 * the start wherever it lands within this many of the newest entry. Beyond, Redis's own unknown stands; one count
 * reads each entry into Lua (about a microsecond each), holding Redis for some milliseconds at this bound.
 */
export const ENTRIES_READ_COUNT_MAX = 10_000;
