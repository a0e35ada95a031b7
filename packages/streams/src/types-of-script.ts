import { PRECUT_PRELUDE, READ_COST_PER_STRING } from './bounded-read-script.js';

// KEYS: stream. ARGV: the characters of a type to keep ('' for all of it), the bytes of entries to read at most
// ('' for no bound), then entry IDs. The `type` field of each entry, in the IDs' order: false (a null reply) for an
// ID no longer in the stream, '' for an entry without one; a longer one shortened as PRECUT_PRELUDE does, for the
// caller to cut. One call instead of an XRANGE per ID, whose per-command cost on the client was most of a dashboard
// snapshot's time. Redis reads each entry whole to find its type: with a bound it stops once it has read that many
// bytes (counted as the bounded read counts them), the first always read, and the IDs after are left unread.
// Returns { types of the IDs read, the positions (from 1) of those shortened }.
export const TYPES_OF_LUA = `#!lua flags=no-writes
${PRECUT_PRELUDE}
local maxChars, maxRead = tonumber(ARGV[1]), tonumber(ARGV[2])
local types, shortened, read = {}, {}, 0
for i = 3, #ARGV do
  if maxRead and read >= maxRead then break end
  local found = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])[1]
  local type = false
  if found then
    type = ''
    local fields = found[2]
    read = read + #found[1] + ${READ_COST_PER_STRING} * #fields
    for j = 1, #fields do read = read + #fields[j] end
    for j = 1, #fields, 2 do
      if fields[j] == 'type' then
        type = fields[j + 1]
        break
      end
    end
    if maxChars then
      local cut
      type, cut = precut(type, maxChars)
      if cut then shortened[#shortened + 1] = i - 2 end
    end
  end
  types[i - 2] = type
end
return { types, shortened }
`;
