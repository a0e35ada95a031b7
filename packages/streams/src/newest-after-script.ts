// KEYS: stream. ARGV: id, count. The newest `count` entries after `id` (XREVRANGE + (id, newest first), and the
// stream's entries-added counter (Redis 7.0+; false before, or when the key is gone) read in the same step: with
// no append in between, a reader that skips ahead to these entries knows exactly how many it passed over.
// XINFO STREAM copies the first and last entries into the script, which sends neither.
export const NEWEST_AFTER_LUA = `#!lua flags=no-writes
local entries = redis.call('XREVRANGE', KEYS[1], '+', '(' .. ARGV[1], 'COUNT', ARGV[2])
local added = false
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for at = 1, #info - 1, 2 do
    if info[at] == 'entries-added' then added = info[at + 1] end
  end
end
return {added, entries}
`;
