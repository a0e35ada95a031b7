import { describe, expect, it } from 'vitest';
import { type Found, withOlderMatches } from './found-pages';

const answer = (ids: readonly string[], read: number, stoppedAt: string | null): Found => ({
  field: 'customer',
  value: 'alice',
  matches: ids.map((id) => ({ id, type: 'order.paid' })),
  read,
  stoppedAt,
});

describe('withOlderMatches', () => {
  it('appends the older matches after those found first, and counts every entry read', () => {
    const first = answer(['9-0', '8-0'], 20_000, '7-0');
    const older = answer(['5-0'], 20_000, '4-0');
    expect(withOlderMatches(first, older)).toEqual(answer(['9-0', '8-0', '5-0'], 40_000, '4-0'));
  });

  it('says the oldest was reached once the older search got there, and keeps going over three answers', () => {
    const twice = withOlderMatches(answer(['9-0'], 20_000, '7-0'), answer([], 20_000, '3-0'));
    const thrice = withOlderMatches(twice, answer(['2-0'], 1_500, null));
    expect(thrice.matches.map((match) => match.id)).toEqual(['9-0', '2-0']);
    expect(thrice.read).toBe(41_500);
    expect(thrice.stoppedAt).toBeNull();
  });

  it('lists an entry once, should two answers both hold it', () => {
    const merged = withOlderMatches(answer(['9-0', '7-0'], 10, '7-0'), answer(['7-0', '6-0'], 10, null));
    expect(merged.matches.map((match) => match.id)).toEqual(['9-0', '7-0', '6-0']);
  });
});
