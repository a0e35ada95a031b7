import type { ConsumerInfo } from '@streamscope/streams';
import { describe, expect, it } from 'vitest';
import { ConsumerLists } from './consumer-lists.js';

const consumer = (name: string, idleMs = 100): ConsumerInfo => ({
  name,
  pending: 0,
  idleMs,
  inactiveMs: null,
});

/** A reader that counts its reads and answers `list`. */
function reader(list: ConsumerInfo[]) {
  const reads = { count: 0 };
  const read = async () => {
    reads.count += 1;
    return list;
  };
  return { reads, read };
}

describe('ConsumerLists', () => {
  it('reads a small group every time', async () => {
    const lists = new ConsumerLists(3, 1_000);
    const { reads, read } = reader([consumer('a'), consumer('b')]);
    for (const now of [0, 250, 500]) await lists.of({ name: 'g', consumers: 2 }, read, now);
    expect(reads.count).toBe(3);
  });

  it('reads a large group again once its list is old, showing it aged in between', async () => {
    const lists = new ConsumerLists(3, 1_000);
    const list = ['a', 'b', 'c', 'd'].map((name) => consumer(name));
    const { reads, read } = reader(list);
    const group = { name: 'g', consumers: 4 };
    expect(await lists.of(group, read, 0)).toEqual(list);
    const later = await lists.of(group, read, 750);
    expect(reads.count).toBe(1);
    expect(later.map((each) => each.idleMs)).toEqual([850, 850, 850, 850]);
    await lists.of(group, read, 1_000);
    expect(reads.count).toBe(2);
  });

  it('reads a large group again at once when its number of consumers changed', async () => {
    const lists = new ConsumerLists(3, 1_000);
    const { reads, read } = reader(['a', 'b', 'c', 'd'].map((name) => consumer(name)));
    await lists.of({ name: 'g', consumers: 4 }, read, 0);
    await lists.of({ name: 'g', consumers: 5 }, read, 250);
    expect(reads.count).toBe(2);
  });

  it('forgets the groups it is told are gone', async () => {
    const lists = new ConsumerLists(3, 1_000);
    const { reads, read } = reader(['a', 'b', 'c', 'd'].map((name) => consumer(name)));
    await lists.of({ name: 'g', consumers: 4 }, read, 0);
    lists.keepOnly([]);
    await lists.of({ name: 'g', consumers: 4 }, read, 250);
    expect(reads.count).toBe(2);
  });
});
