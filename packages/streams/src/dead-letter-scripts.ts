// KEYS: stream, dlq. ARGV: group, id, '1' when the entry must still be pending (then it is acked too), then
// the dead letter's field/value pairs. Checking the PEL first makes a retry after a lost reply a no-op:
// an entry is never written to the DLQ twice, and never acked without being written.
export const DEAD_LETTER_LUA = `
local requirePending = ARGV[3] == '1'
if requirePending then
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
  if #pending == 0 then return false end
end
local dlqId = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
if requirePending then redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) end
return dlqId
`;

// KEYS: dlq, stream. ARGV: dlq entry id, maxlen ('' = uncapped), fresh ts_ms. Appends the original fields
// to the stream again and deletes the dead letter, in one step: requeued exactly once or not at all.
export const REQUEUE_LUA = `
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local fields = found[1][2]
local out = {}
for i = 1, #fields, 2 do
  local name = fields[i]
  if string.sub(name, 1, 4) ~= 'dlq_' then
    out[#out + 1] = name
    out[#out + 1] = name == 'ts_ms' and ARGV[3] or fields[i + 1]
  end
end
if #out == 0 then return redis.error_reply('dead letter ' .. ARGV[1] .. ' has no original fields to requeue') end
local id
if ARGV[2] ~= '' then
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(out))
else
  id = redis.call('XADD', KEYS[2], '*', unpack(out))
end
redis.call('XDEL', KEYS[1], ARGV[1])
return id
`;
