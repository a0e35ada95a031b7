// KEYS: stream. ARGV: group, consumer, minIdleMs, id (whole). XCLAIM of one pending entry to the consumer, only
// while the entry is still in the stream: Redis 7 drops a trimmed entry from the PEL on XCLAIM, saying nothing,
// and no dead letter would ever record it. In one step, so nothing claims or trims it between the look and the
// claim. Returns { outcome, XPENDING row } and, claimed, XCLAIM's reply (the entry, its delivery count bumped):
// 'not-pending' (no row), 'own' (the consumer has it already), 'idle' (idle less than minIdleMs), 'trimmed'.
export const CLAIM_ONE_LUA = `
local rows = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], ARGV[4], 1)
local row = rows[1]
if not row then return { 'not-pending' } end
if row[2] == ARGV[2] then return { 'own', row } end
if row[3] < tonumber(ARGV[3]) then return { 'idle', row } end
if #redis.call('XRANGE', KEYS[1], ARGV[4], ARGV[4]) == 0 then return { 'trimmed', row } end
return { 'claimed', row, redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) }
`;
