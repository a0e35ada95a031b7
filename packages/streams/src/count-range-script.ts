import { parseCountRange } from './replies.js';
import { isBeyondIdSpace } from './stream-ids.js';

// KEYS: stream. ARGV: start, end, count (XRANGE's bounds and COUNT), and 'rev' to walk the range newest first
// (XREVRANGE, the same bounds). How many entries it finds there, and the last one's ID ('' when none): a count
// without the entries, whose fields would otherwise cross the wire to be decoded only to be thrown away. Redis
// still reads each entry into Lua, so a call reads at most COUNT_RANGE_PAGE and a longer range is counted call by
// call.
export const COUNT_RANGE_LUA = `
local entries
if ARGV[4] == 'rev' then
  entries = redis.call('XREVRANGE', KEYS[1], ARGV[2], ARGV[1], 'COUNT', ARGV[3])
else
  entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
end
local last = entries[#entries]
return { #entries, last and last[1] or '' }
`;

/** Entries one COUNT_RANGE_LUA call reads: short calls, so a long count never holds Redis up for long. */
export const COUNT_RANGE_PAGE = 1_000;

/** Runs COUNT_RANGE_LUA on some key, with these XRANGE bounds and COUNT, oldest first unless `newestFirst`. */
export type CountRangePage = (
  start: string,
  end: string,
  count: number,
  newestFirst?: boolean,
) => Promise<unknown>;

/** Counts the entries from `start` to `end` (XRANGE bounds), up to `cap`, COUNT_RANGE_PAGE a call. */
export async function countRangePaged(
  countPage: CountRangePage,
  start: string,
  end: string,
  cap: number,
): Promise<number> {
  return (await walkRange(countPage, start, end, cap, false)).counted;
}

/**
 * The ID of the entry `skip` entries in from one end of the stream (0: that end's entry itself), walked
 * COUNT_RANGE_PAGE a call; `null` when the stream has no more than `skip` entries.
 */
export async function idAtOffset(
  countPage: CountRangePage,
  skip: number,
  from: 'oldest' | 'newest',
): Promise<string | null> {
  const { counted, last } = await walkRange(countPage, '-', '+', skip + 1, from === 'newest');
  return counted === skip + 1 ? last : null;
}

/**
 * Walks `start`..`end` (XRANGE bounds) from its oldest end, or its newest, COUNT_RANGE_PAGE a call, up to `cap`
 * entries: how many it walked, and the ID of the last.
 */
async function walkRange(
  countPage: CountRangePage,
  start: string,
  end: string,
  cap: number,
  newestFirst: boolean,
): Promise<{ counted: number; last: string | null }> {
  let counted = 0;
  let last: string | null = null;
  // The bound that moves: past the last entry a call walked, towards the other end.
  let from = start;
  let to = end;
  while (counted < cap && !isBeyondIdSpace(from, to)) {
    const count = Math.min(COUNT_RANGE_PAGE, cap - counted);
    const page = parseCountRange(await countPage(from, to, count, newestFirst));
    counted += page.count;
    last = page.last ?? last;
    if (page.count < count || page.last === null) break;
    if (newestFirst) to = `(${page.last}`;
    else from = `(${page.last}`;
  }
  return { counted, last };
}
