// KEYS: stream. XINFO STREAM as Redis answers it, but with the first and last entries' IDs in place of the entries
// (false for none): XINFO STREAM sends both entries whole, and a dashboard asks four times a second, so another
// application's 1 MB entries were 2 MB a look. Redis still reads them into the script, and sends neither. A missing
// key or one of another type is answered with XINFO's own error.
export const STREAM_SUMMARY_LUA = `#!lua flags=no-writes
local ok, info = pcall(redis.call, 'XINFO', 'STREAM', KEYS[1])
if not ok then return redis.error_reply(type(info) == 'table' and info.err or tostring(info)) end
for at = 1, #info - 1, 2 do
  if info[at] == 'first-entry' or info[at] == 'last-entry' then
    local entry = info[at + 1]
    info[at + 1] = entry and entry[1] or false
  end
end
return info
`;
