import { describe, expect, it } from 'vitest';
import { RecentMap } from './recent-map.js';

describe('RecentMap', () => {
  it('keeps the last `capacity` keys written, forgetting the oldest first', () => {
    const recent = new RecentMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) recent.set(key, i);
    expect(recent.has('a')).toBe(false);
    expect([recent.get('b'), recent.get('c'), recent.get('d')]).toEqual([1, 2, 3]);
    expect(recent.size).toBe(3);
  });

  it('rewriting a key updates its value in place: it is forgotten once, in its first turn', () => {
    const recent = new RecentMap<string, string>(3);
    recent.set('a', 'first');
    recent.set('b', 'x');
    recent.set('a', 'second');
    expect(recent.get('a')).toBe('second');
    recent.set('c', 'x');
    expect(recent.size).toBe(3);
    recent.set('d', 'x');
    expect(recent.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((key) => recent.has(key))).toBe(true);
  });

  it('with capacity 0 remembers nothing', () => {
    const recent = new RecentMap<string, number>(0);
    recent.set('a', 1);
    expect(recent.has('a')).toBe(false);
  });
});
