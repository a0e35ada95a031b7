import type { Snapshot } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { summariseTrimPreview, trimPreviewInputs } from './trim-preview';

describe('summariseTrimPreview', () => {
  it('lists per group what the trim would take that is still pending or unread, and warns about it', () => {
    expect(
      summariseTrimPreview({
        cutoffId: '1700000000000-5',
        removes: 1_200,
        groups: [
          { group: 'notifications', pending: 3, unread: 0 },
          { group: 'analytics', pending: 0, unread: 0 },
        ],
        countCap: 100_000,
      }),
    ).toEqual({
      text: 'would remove 1,200 entries; notifications: 3 pending, 0 unread; analytics: 0 pending, 0 unread',
      unsafe: true,
    });
  });

  it('is calm when every group is done with what would go, and when nothing would go', () => {
    const done = { group: 'analytics', pending: 0, unread: 0 };
    expect(summariseTrimPreview({ cutoffId: '5-0', removes: 1, groups: [done], countCap: 100_000 })).toEqual({
      text: 'would remove 1 entry; analytics: 0 pending, 0 unread',
      unsafe: false,
    });
    expect(summariseTrimPreview({ cutoffId: null, removes: 0, groups: [done], countCap: 100_000 })).toEqual({
      text: 'would remove nothing',
      unsafe: false,
    });
  });

  it("says a count that reached the server's cap is that many or more", () => {
    expect(
      summariseTrimPreview({
        cutoffId: '9-0',
        removes: 100_000,
        groups: [{ group: 'analytics', pending: 12, unread: 100_000 }],
        countCap: 100_000,
      }).text,
    ).toBe('would remove 100,000 or more entries; analytics: 12 pending, 100,000 or more unread');
  });

  it("gives a MAXLEN's removals past the cap as they are: worked out from the length, not counted", () => {
    expect(
      summariseTrimPreview({
        cutoffId: '9-0',
        removes: 999_000,
        groups: [{ group: 'analytics', pending: 0, unread: 0 }],
        countCap: 100_000,
      }).text,
    ).toBe('would remove 999,000 entries; analytics: 0 pending, 0 unread');
  });
});

describe('trimPreviewInputs', () => {
  const snapshot = (
    stream: Partial<Snapshot['stream']>,
    groups: Partial<Snapshot['groups'][number]>[] = [],
  ) =>
    ({
      stream: { length: 10, firstEntryId: '1-0', lastEntryId: '10-0', ...stream },
      groups: groups.map((group) => ({ name: 'g', lastDeliveredId: '0-0', pending: 0, ...group })),
    }) as Snapshot;

  it('changes when the stream grows, is trimmed, or a group reads or acks', () => {
    const before = trimPreviewInputs(snapshot({}, [{}]));
    expect(trimPreviewInputs(snapshot({}, [{}]))).toBe(before);
    expect(trimPreviewInputs(snapshot({ length: 11, lastEntryId: '11-0' }, [{}]))).not.toBe(before);
    expect(trimPreviewInputs(snapshot({ firstEntryId: '2-0' }, [{}]))).not.toBe(before);
    expect(trimPreviewInputs(snapshot({}, [{ lastDeliveredId: '5-0' }]))).not.toBe(before);
    expect(trimPreviewInputs(snapshot({}, [{ pending: 1 }]))).not.toBe(before);
  });

  it('is null before the first snapshot', () => {
    expect(trimPreviewInputs(null)).toBeNull();
  });
});
