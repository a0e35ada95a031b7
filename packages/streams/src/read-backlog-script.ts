// Catching up with a backlog, a worker spends most of its time in ioredis's reply decoder: 1,000 entries of
// six fields arrive as 14,000 bulk strings, about 4.5 µs of client CPU per entry, and the client, not Redis,
// sets the pace. Read inside a script and returned as one JSON string, the same batch costs the client one
// JSON.parse: about a quarter of the CPU, measured end to end. Redis pays for it, about 1.6 µs more per
// entry (Lua's copy of the reply, then cjson), which is why this is for catching up only: a script cannot
// BLOCK, and a consumer at the head of the stream reads a few entries at a time, where it saves nothing.
// KEYS: stream. ARGV: group, consumer, count. Returns [n, json]: how many entries were delivered (0 when nothing
// new is there, with json ''), and those entries as a JSON array of [id, [field, value, ...]] pairs, exactly
// what XREADGROUP returned. The count comes apart from the JSON so that a reader can ask for the next batch
// the moment this one arrives, before it spends its CPU parsing it.
export const READ_BACKLOG_LUA = `
local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
if not reply then return {0, ''} end
local items = reply[1][2]
return {#items, cjson.encode(items)}
`;
