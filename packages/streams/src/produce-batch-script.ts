// One server-side call appends a whole chunk of events: about twice the rate of pipelined XADDs, because
// Redis parses one command and sends one reply instead of one per event.
// ARGV: maxlen ('' = uncapped), then per event: field count, field, value, field, value, ...
export const PRODUCE_BATCH_LUA = `
local key = KEYS[1]
local capped = ARGV[1] ~= ''
local ids = {}
local i = 2
local n = #ARGV
while i <= n do
  local count = tonumber(ARGV[i])
  local args
  if capped then
    args = {'XADD', key, 'MAXLEN', '~', ARGV[1], '*'}
  else
    args = {'XADD', key, '*'}
  end
  local base = #args
  for j = 1, count do
    args[base + j] = ARGV[i + j]
  end
  ids[#ids + 1] = redis.call(unpack(args))
  i = i + count + 1
end
return ids
`;

/** Events per script call: keeps each call to a few milliseconds so other clients are not starved. */
export const PRODUCE_BATCH_CHUNK = 1000;
