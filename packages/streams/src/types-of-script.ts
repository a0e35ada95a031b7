// KEYS: stream. ARGV: entry IDs. The `type` field of each entry, in ARGV's order: false (a null reply) for an
// ID no longer in the stream, '' for an entry without one. One call instead of an XRANGE per ID, whose
// per-command cost on the client was most of a dashboard snapshot's time.
export const TYPES_OF_LUA = `
local types = {}
for i, id in ipairs(ARGV) do
  local found = redis.call('XRANGE', KEYS[1], id, id)[1]
  local type = false
  if found then
    type = ''
    local fields = found[2]
    for j = 1, #fields, 2 do
      if fields[j] == 'type' then
        type = fields[j + 1]
        break
      end
    end
  end
  types[i] = type
end
return types
`;
