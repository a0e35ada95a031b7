import type { GroupView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { consumerCount, consumersNotShown, groupsNotShown } from './not-shown';

const group = (shown: number, consumersOmitted: number) =>
  ({
    consumers: Array.from({ length: shown }, (_, n) => ({ name: `pod-${n}` })),
    consumersOmitted,
  }) as unknown as Pick<GroupView, 'consumers' | 'consumersOmitted'>;

describe('consumers not shown', () => {
  it('counts the consumers left out with those shown', () => {
    expect(consumerCount(group(200, 19_800))).toBe(20_000);
    expect(consumerCount(group(3, 0))).toBe(3);
  });

  it('says nothing when the snapshot left none out', () => {
    expect(consumersNotShown(group(3, 0))).toBeNull();
  });

  it('says how many more there are, and which the shown ones are', () => {
    expect(consumersNotShown(group(200, 19_800))).toBe(
      '19,800 more consumers not shown. The 200 shown were chosen in this order: those running on this server, those holding pending entries, Streamscope workers running elsewhere, then the most recently active.',
    );
    expect(consumersNotShown(group(200, 1))).toMatch(/^1 more consumer not shown\./);
  });
});

describe('groups not shown', () => {
  it('says nothing when the snapshot left none out, and how many more there are when it did', () => {
    expect(groupsNotShown(2, 0)).toBeNull();
    expect(groupsNotShown(50, 1_200)).toBe(
      '1,200 more consumer groups on this stream not shown. The 50 shown are those this server runs consumers of, then the first of the others by name.',
    );
    expect(groupsNotShown(50, 1)).toMatch(/^1 more consumer group on/);
  });
});
