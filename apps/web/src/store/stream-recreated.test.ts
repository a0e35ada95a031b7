import type { Snapshot } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { streamLostElsewhere, streamRecreated } from './stream-recreated';

const snapshot = (stream: Partial<Snapshot['stream']>, produced = 100, resets = 0): Snapshot =>
  ({
    stream: { exists: true, entriesAdded: 100, lastGeneratedId: '2000-5', ...stream },
    totals: { produced },
    resets,
  }) as Snapshot;

describe('streamRecreated', () => {
  const before = snapshot({});

  it('is false while the stream only grows or is trimmed', () => {
    expect(streamRecreated(before, snapshot({ entriesAdded: 150, lastGeneratedId: '2100-0' }, 150))).toBe(
      false,
    );
    expect(streamRecreated(before, before)).toBe(false);
  });

  it('is true when the key is deleted', () => {
    expect(
      streamRecreated(before, snapshot({ exists: false, entriesAdded: null, lastGeneratedId: null })),
    ).toBe(true);
  });

  it('is true when the count of entries ever added goes back, as after a reset and a few new entries', () => {
    expect(streamRecreated(before, snapshot({ entriesAdded: 10, lastGeneratedId: '3000-0' }, 110))).toBe(
      true,
    );
  });

  it('is true when the last ID handed out goes back (a Redis without entries-added)', () => {
    expect(
      streamRecreated(
        snapshot({ entriesAdded: null }),
        snapshot({ entriesAdded: null, lastGeneratedId: '0-0' }),
      ),
    ).toBe(true);
  });

  it("is true when this server's totals start again from zero", () => {
    expect(streamRecreated(before, snapshot({ entriesAdded: 120, lastGeneratedId: '2200-0' }, 5))).toBe(true);
  });

  it('across a reconnect, judges by Redis alone: a server restarted without a reset starts its totals again', () => {
    const later = snapshot({ entriesAdded: 120, lastGeneratedId: '2200-0' }, 5);
    expect(streamRecreated(before, later, { sameConnection: false })).toBe(false);
    const reset = snapshot({ entriesAdded: 3, lastGeneratedId: '3000-0' }, 3);
    expect(streamRecreated(before, reset, { sameConnection: false })).toBe(true);
  });
});

describe('streamLostElsewhere', () => {
  const before = snapshot({});
  const gone = { exists: false, entriesAdded: null, lastGeneratedId: null };

  it('is true of a stream deleted while this server began no reset of its own, whatever its totals did', () => {
    expect(streamLostElsewhere(before, snapshot(gone, 100))).toBe(true);
    expect(streamLostElsewhere(before, snapshot({ entriesAdded: 10, lastGeneratedId: '3000-0' }, 0))).toBe(
      true,
    );
  });

  it("is false of this server's reset (from any page, its totals at zero or not), of a stream that only grew, and across a reconnect", () => {
    // A server that had produced nothing: its totals cannot go back, its count of resets does go on.
    expect(streamLostElsewhere(snapshot({}, 0), snapshot(gone, 0, 1))).toBe(false);
    // A snapshot taken midway, the stream deleted and the totals not yet back at zero.
    expect(streamLostElsewhere(before, snapshot(gone, 100, 1))).toBe(false);
    expect(streamLostElsewhere(before, snapshot({ entriesAdded: 150, lastGeneratedId: '2100-0' }, 150))).toBe(
      false,
    );
    expect(streamLostElsewhere(before, snapshot(gone, 100), { sameConnection: false })).toBe(false);
  });
});
