// KEYS: stream. ARGV: id (whole), the most groups to look in. Where the entry stands in each group, read in one
// step so no group moves between the looks: per group (in XINFO GROUPS order, up to the bound) its name, its
// last-delivered-id, and the entry's XPENDING row (false, a null reply, when it is not pending there).
// Returns { places, how many groups the bound left out }; none for a stream that does not exist.
export const ENTRY_PLACES_LUA = `#!lua flags=no-writes
if redis.call('EXISTS', KEYS[1]) == 0 then return { {}, 0 } end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
local places = {}
for i = 1, math.min(#groups, tonumber(ARGV[2])) do
  local info, name, cursor = groups[i], nil, nil
  for j = 1, #info, 2 do
    if info[j] == 'name' then name = info[j + 1] elseif info[j] == 'last-delivered-id' then cursor = info[j + 1] end
  end
  local row = redis.call('XPENDING', KEYS[1], name, ARGV[1], ARGV[1], 1)[1] or false
  places[i] = { name, cursor, row }
end
return { places, #groups - #places }
`;
