import type { LifecycleEventView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { groupHadPill, pillLandings, poisonFateNote, poisonTrimmedUnread } from './poison-fate';

const event = (id: string, kind: LifecycleEventView['kind'], group: string | null) => ({
  event: {
    kind,
    id,
    group,
    consumer: group === null ? null : 'w',
    deliveryCount: null,
    eventType: null,
    reason: null,
    ts: 0,
  },
});

describe('groupHadPill', () => {
  it("is true once a group's handler failed on the pill, or it was claimed or dead-lettered", () => {
    expect(groupHadPill('5-0', [event('4-0', 'failed', 'g'), event('5-0', 'failed', 'g')])).toBe(true);
    expect(groupHadPill('5-0', [event('5-0', 'dead-lettered', 'g')])).toBe(true);
    expect(groupHadPill('5-0', [event('4-0', 'failed', 'g')])).toBe(false);
  });
});

describe('poisonTrimmedUnread', () => {
  it('is false while the pill is still in the stream', () => {
    expect(poisonTrimmedUnread('100-0', '100-0', false)).toBe(false);
    expect(poisonTrimmedUnread('100-0', '90-0', false)).toBe(false);
  });

  it('is true once trimmed away unread, the stream empty or not', () => {
    expect(poisonTrimmedUnread('100-0', '100-1', false)).toBe(true);
    // Counting order: 9-0 is before 10-0.
    expect(poisonTrimmedUnread('9-0', '10-0', false)).toBe(true);
    expect(poisonTrimmedUnread('100-0', null, false)).toBe(true);
  });

  it('is false once trimmed if a group had it: that group holds it, or wrote its letter', () => {
    expect(poisonTrimmedUnread('100-0', '200-0', true)).toBe(false);
  });
});

describe('poisonFateNote', () => {
  it('says a pill trimmed unread will never land here', () => {
    expect(poisonFateNote(true)).toBe(
      'trimmed from the stream before any group read it, so it will never be delivered nor land here.',
    );
  });

  it('says which groups it landed here from, once it did, trimmed since or not', () => {
    expect(poisonFateNote(false, [{ group: 'analytics', deliveries: 3, trimmed: false }])).toBe(
      'its handler always fails, and it landed here from analytics after 3 deliveries.',
    );
    const both = [
      { group: 'analytics', deliveries: 3, trimmed: false },
      { group: 'notifications', deliveries: null, trimmed: false },
    ];
    expect(poisonFateNote(true, both)).toBe(
      'its handler always fails, and it landed here from analytics after 3 deliveries and notifications.',
    );
  });

  it('says a pill lettered as trimmed while pending was trimmed, not that its failures brought it here', () => {
    const trimmed = [
      { group: 'analytics', deliveries: 1, trimmed: true },
      { group: 'notifications', deliveries: 2, trimmed: true },
    ];
    expect(poisonFateNote(true, trimmed)).toBe(
      'trimmed from the stream while still pending, so it landed here as trimmed from analytics after 1 delivery and notifications after 2 deliveries.',
    );
    const mixed = [
      { group: 'analytics', deliveries: 5, trimmed: false },
      { group: 'notifications', deliveries: 1, trimmed: true },
    ];
    expect(poisonFateNote(true, mixed)).toBe(
      'its handler always fails, and it landed here from analytics after 5 deliveries and notifications (trimmed while pending after 1 delivery).',
    );
  });

  it('says how a pill still in the stream gets here', () => {
    expect(poisonFateNote(false)).toBe(
      'its handler always fails, so each claim (Auto-reap, or XAUTOCLAIM) redelivers it until it lands here.',
    );
  });
});

describe('pillLandings', () => {
  const letter = (originalId: string, group: string, deliveryCount: number | null = 3, reason = 'x') => ({
    originalId,
    group,
    deliveryCount,
    reason,
  });

  it('adds the groups whose letters for the pill are shown, by name, to those seen before', () => {
    const first = pillLandings('5-0', [letter('4-0', 'analytics'), letter('5-0', 'notifications')], []);
    expect(first).toEqual([{ group: 'notifications', deliveries: 3, trimmed: false }]);
    // That letter requeued or scrolled away, the group stays; another's letter joins it.
    expect(pillLandings('5-0', [letter('5-0', 'analytics', null)], first)).toEqual([
      { group: 'analytics', deliveries: null, trimmed: false },
      { group: 'notifications', deliveries: 3, trimmed: false },
    ]);
  });

  it('tells a letter of a pill trimmed while pending by its reason', () => {
    expect(
      pillLandings(
        '5-0',
        [letter('5-0', 'analytics', 1, 'trimmed'), letter('5-0', 'audit', 1, 'trimmed; dropped')],
        [],
      ),
    ).toEqual([
      { group: 'analytics', deliveries: 1, trimmed: true },
      { group: 'audit', deliveries: 1, trimmed: true },
    ]);
  });

  it('names a group once, though two of its letters for the pill are shown', () => {
    expect(pillLandings('5-0', [letter('5-0', 'analytics', 4), letter('5-0', 'analytics', 3)], [])).toEqual([
      { group: 'analytics', deliveries: 4, trimmed: false },
    ]);
  });

  it('gives back what it was given when no new group landed, so a page keeps it as it was', () => {
    const before = [{ group: 'analytics', deliveries: 3, trimmed: false }];
    expect(pillLandings('5-0', [letter('5-0', 'analytics', 4), letter('6-0', 'x')], before)).toBe(before);
  });
});
