import { describe, expect, it } from 'vitest';
import { everyGroupDeadLettered, requeuedFate } from './requeue-reach';

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
  it('says no group acks it as a duplicate when every group had dead-lettered it', () => {
    expect(requeuedFate({ group: 'analytics', merged: 1, everyGroup: true })).toBe(
      'each had dead-lettered it, so each handles it again',
    );
  });

  it('names the group that dead-lettered it, or the groups, and a group that processed it acks it', () => {
    expect(requeuedFate({ group: 'analytics', merged: 0, everyGroup: false })).toBe(
      'analytics, which had dead-lettered it, handles it again, and a group that had processed it acks it as a duplicate',
    );
    expect(requeuedFate({ group: '', merged: 0, everyGroup: false })).toMatch(
      /^the group, which had dead-lettered it, handles it again/,
    );
    expect(requeuedFate({ group: 'analytics', merged: 2, everyGroup: false })).toBe(
      'the groups that had dead-lettered it handle it again, and a group that had processed it acks it as a duplicate',
    );
  });
});
