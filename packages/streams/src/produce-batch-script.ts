// One server-side call appends a whole chunk of events: Redis parses one command and sends one reply
// instead of one per event. The events travel as one JSON argument rather than thousands of small ones:
// turning ~11,000 arguments into a request cost ioredis more CPU than Redis spent appending them.
// ARGV: maxlen ('' = uncapped), then a JSON array with one flat [field, value, ...] array per event.
//
// The cap is applied once, after the chunk, not on every XADD: the script runs atomically, so no client
// can tell the difference, and it spares Redis re-parsing `MAXLEN ~ n` a thousand times. The IDs come back
// as one space-separated string (IDs contain no spaces): one bulk reply is cheaper to build and to parse
// than a thousand.
export const PRODUCE_BATCH_LUA = `
local key = KEYS[1]
local maxlen = ARGV[1]
local events = cjson.decode(ARGV[2])
local ids = {}
for j = 1, #events do
  ids[j] = redis.call('XADD', key, '*', unpack(events[j]))
end
if maxlen ~= '' then
  redis.call('XTRIM', key, 'MAXLEN', '~', maxlen)
end
return table.concat(ids, ' ')
`;

/** Events per script call: keeps each call to a few milliseconds so other clients are not starved. */
export const PRODUCE_BATCH_CHUNK = 1000;
