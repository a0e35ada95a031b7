// KEYS: stream. ARGV: group, id ('$' or an entry ID). XGROUP SETID between two reads of the group's XINFO GROUPS
// row, in one step: the rows say where the cursor was and where the move put it, before a consumer reading
// at once from there has moved it on. Returns { row before, row after }, each as XINFO GROUPS gives one; NOGROUP,
// as Redis words it, when there is no such group (or stream).
export const SET_GROUP_ID_LUA = `
local function row(group)
  for _, candidate in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
    for i = 1, #candidate - 1, 2 do
      if candidate[i] == 'name' and candidate[i + 1] == group then return candidate end
    end
  end
  return nil
end
if redis.call('EXISTS', KEYS[1]) == 0 or not row(ARGV[1]) then
  return redis.error_reply("NOGROUP No such consumer group '" .. ARGV[1] .. "' for key name '" .. KEYS[1] .. "'")
end
local before = row(ARGV[1])
redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], ARGV[2])
return { before, row(ARGV[1]) }
`;
