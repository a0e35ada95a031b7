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
  let counted = 0;
  let from = start;
  while (counted < cap && !isBeyondIdSpace(from, end)) {
    const count = Math.min(COUNT_RANGE_PAGE, cap - counted);
    const page = parseCountRange(await countPage(from, end, count));
    counted += page.count;
    if (page.count < count || page.last === null) return counted;
    from = `(${page.last}`;
  }
  return counted;
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
  const newestFirst = from === 'newest';
  // The bound that moves: past the last entry a call walked, towards the other end.
  let bound = newestFirst ? '+' : '-';
  let left = skip;
  while (!(newestFirst ? isBeyondIdSpace('-', bound) : isBeyondIdSpace(bound, '+'))) {
    const count = Math.min(COUNT_RANGE_PAGE, left + 1);
    const page = parseCountRange(
      newestFirst ? await countPage('-', bound, count, true) : await countPage(bound, '+', count),
    );
    if (page.last === null || page.count < count) return null;
    if (page.count > left) return page.last;
    left -= page.count;
    bound = `(${page.last}`;
  }
  return null;
}
