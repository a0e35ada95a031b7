import type { LifecycleEventView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import {
  everyGroupDeadLettered,
  goneGroupQuestion,
  letterGroupGone,
  requeuedAsFrom,
  requeuedFate,
} from './requeue-reach';

const letters = [
  { originalId: '5-0', group: 'notifications' },
  { originalId: '5-0', group: 'analytics' },
  { originalId: '6-0', group: 'analytics' },
];

describe('everyGroupDeadLettered', () => {
  it('is true when each group of the stream has a letter of the entry shown', () => {
    const groups = ['analytics', 'notifications'];
    expect(everyGroupDeadLettered('5-0', { groups, groupsOmitted: 0, letters })).toBe(true);
    expect(everyGroupDeadLettered('6-0', { groups, groupsOmitted: 0, letters })).toBe(false);
  });

  it('is false when the page cannot tell: groups left out of the snapshot, or none known', () => {
    expect(everyGroupDeadLettered('5-0', { groups: ['analytics'], groupsOmitted: 3, letters })).toBe(false);
    expect(everyGroupDeadLettered('5-0', { groups: null, groupsOmitted: 0, letters })).toBe(false);
    expect(everyGroupDeadLettered('5-0', { groups: [], groupsOmitted: 0, letters })).toBe(false);
  });
});

describe('requeuedFate', () => {
  it('says each handles it again when every group had dead-lettered it, and none processed it', () => {
    expect(requeuedFate({ group: 'analytics', merged: 1, everyGroup: true })).toBe(
      'each had dead-lettered it, so each handles it again',
    );
    expect(
      requeuedFate({ group: 'analytics', merged: 1, everyGroup: true, processedBy: ['notifications'] }),
    ).toBe(
      'each had dead-lettered it; notifications has processed it since and acks the copy as a duplicate, and the others handle it again',
    );
  });

  it('names the group that dead-lettered it, or the groups, and says every other group handles the copy when none had processed it', () => {
    const none =
      "; no group's once-per-ID guard knows it as processed, so every other group handles the copy too";
    expect(requeuedFate({ group: 'analytics', merged: 0, everyGroup: false, processedBy: [] })).toBe(
      `analytics, which had dead-lettered it, handles it again${none}`,
    );
    expect(requeuedFate({ group: '', merged: 0, everyGroup: false })).toBe(
      `the group, which had dead-lettered it, handles it again${none}`,
    );
    expect(requeuedFate({ group: 'analytics', merged: 2, everyGroup: false })).toBe(
      `the groups that had dead-lettered it handle it again${none}`,
    );
  });

  it('names the groups the server says had processed it, which ack the copy as a duplicate', () => {
    expect(
      requeuedFate({ group: 'analytics', merged: 0, everyGroup: false, processedBy: ['notifications'] }),
    ).toBe(
      'analytics, which had dead-lettered it, handles it again, and notifications had processed it and acks the copy as a duplicate',
    );
    expect(
      requeuedFate({
        group: 'analytics',
        merged: 1,
        everyGroup: false,
        processedBy: ['notifications', 'billing', 'audit'],
      }),
    ).toBe(
      'notifications, billing and audit had processed it and ack the copy as a duplicate, and the other groups that had dead-lettered it handle it again',
    );
  });

  it('says the group whose letter it was has processed it since, when the server names it', () => {
    expect(
      requeuedFate({ group: 'analytics', merged: 0, everyGroup: false, processedBy: ['analytics'] }),
    ).toBe(
      'analytics, which had dead-lettered it, has processed it since (its cursor moved back over it), so it acks the copy as a duplicate',
    );
    expect(
      requeuedFate({
        group: 'analytics',
        merged: 0,
        everyGroup: false,
        processedBy: ['notifications', 'analytics'],
      }),
    ).toBe(
      'analytics, which had dead-lettered it, has processed it since (its cursor moved back over it), so it acks the copy as a duplicate, and so does notifications, which had processed it',
    );
  });
});

describe('letterGroupGone', () => {
  it('is true only when the page knows every group and the letter’s is not among them', () => {
    const groups = ['analytics', 'notifications'];
    expect(letterGroupGone('billing', { groups, groupsOmitted: 0 })).toBe(true);
    expect(letterGroupGone('analytics', { groups, groupsOmitted: 0 })).toBe(false);
    expect(letterGroupGone('billing', { groups, groupsOmitted: 2 })).toBe(false);
    expect(letterGroupGone('billing', { groups: null, groupsOmitted: 0 })).toBe(false);
    expect(letterGroupGone('', { groups, groupsOmitted: 0 })).toBe(false);
  });
});

describe('a letter of a group deleted since', () => {
  it('is asked about before its requeue, and its fate says no group handles it for that one', () => {
    expect(goneGroupQuestion({ originalId: '5-0', group: 'billing' })).toBe(
      'The group billing, which dead-lettered 5-0, no longer exists. Requeued, the entry reaches only the groups there are now: one that had processed it acks it as a duplicate, and none handles it again for billing. Requeue it anyway?',
    );
    expect(requeuedFate({ group: 'billing', merged: 0, everyGroup: false, groupGone: true })).toBe(
      'billing, which had dead-lettered it, no longer exists: no group handles it again',
    );
    expect(
      requeuedFate({
        group: 'billing',
        merged: 0,
        everyGroup: false,
        groupGone: true,
        processedBy: ['audit'],
      }),
    ).toBe(
      'billing, which had dead-lettered it, no longer exists: no group handles it again, and audit had processed it and acks the copy as a duplicate',
    );
    expect(requeuedFate({ group: 'billing', merged: 1, everyGroup: false, groupGone: true })).toMatch(
      /no longer exists: a group that had dead-lettered it too handles it again/,
    );
    // Every group left had dead-lettered it as well: none had processed it.
    expect(requeuedFate({ group: 'billing', merged: 2, everyGroup: true, groupGone: true })).toBe(
      'billing, which had dead-lettered it, no longer exists: the groups there are now each had dead-lettered it too, so each handles it again',
    );
    expect(
      requeuedFate({
        group: 'billing',
        merged: 2,
        everyGroup: true,
        groupGone: true,
        processedBy: ['audit'],
      }),
    ).toBe(
      'billing, which had dead-lettered it, no longer exists: the groups there are now each had dead-lettered it too; audit has processed it since and acks the copy as a duplicate, and the others handle it again',
    );
  });
});

describe('requeuedAsFrom', () => {
  /** One step of entry 5-0's timeline, as the server records it. */
  const step = (kind: LifecycleEventView['kind'], reason: string | null): LifecycleEventView => ({
    kind,
    id: '5-0',
    group: null,
    consumer: null,
    deliveryCount: null,
    eventType: null,
    reason,
    ts: 0,
  });

  it('reads the latest copy a requeued step names, and none when the entry was not put back', () => {
    expect(
      requeuedAsFrom([
        step('dead-lettered', 'max_deliveries'),
        step('requeued', 'as 9-0'),
        step('requeued', 'as 12-0'),
        step('delivered', null),
      ]),
    ).toBe('12-0');
    expect(requeuedAsFrom([step('acked', null), step('requeued', 'by hand')])).toBeNull();
  });
});
