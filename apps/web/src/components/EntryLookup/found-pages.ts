import type { CommandResults } from '@streamscope/protocol';

export type Found = CommandResults['entry.find'];

/**
 * A search's answers so far with the next, older one after them: its matches appended (newest first still, as
 * each answer reads further back), the entries read counted over all, and where to go on from the older one's
 * stop. "Search older entries" replaced the first page with the next and restarted the count, so the matches
 * found first were gone from the list.
 */
export function withOlderMatches(found: Found, older: Found): Found {
  const listed = new Set(found.matches.map((match) => match.id));
  return {
    ...older,
    matches: [...found.matches, ...older.matches.filter((match) => !listed.has(match.id))],
    read: found.read + older.read,
  };
}
