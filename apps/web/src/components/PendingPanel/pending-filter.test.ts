import { describe, expect, it } from 'vitest';
import { consumerView, groupView, pendingRowView, workerView } from '../../testing/views';
import {
  filterFromValue,
  filterOptions,
  filterStillOffered,
  filterValue,
  matchesFilter,
  pendingCount,
} from './pending-filter';

const groups = [
  groupView(
    'notifications',
    [
      consumerView('worker-a', workerView(), { pending: 3 }),
      consumerView('worker-b', workerView(), { pending: 1 }),
    ],
    { pending: 4 },
  ),
  groupView('analytics', [consumerView('worker-c', workerView(), { pending: 2 })], { pending: 2 }),
];

const row = (group: string, consumer: string, id: string) => pendingRowView({ group, consumer, id });

describe('the pending table filter', () => {
  it('offers every group, then each of its consumers, and reads its choice back', () => {
    const options = filterOptions(groups);
    expect(options.map((option) => option.label)).toEqual([
      'notifications (every consumer)',
      'notifications/worker-a',
      'notifications/worker-b',
      'analytics (every consumer)',
      'analytics/worker-c',
    ]);
    for (const option of options) expect(filterValue(filterFromValue(option.value))).toBe(option.value);
    expect(filterFromValue('')).toBeNull();
    // Names are the user's: a slash in one does not run into the next.
    const odd = { group: 'a/b', consumer: 'c' };
    expect(filterFromValue(filterValue(odd))).toEqual(odd);
  });

  it('keeps the rows of its group, or of its consumer in that group only', () => {
    const rows = [
      row('notifications', 'worker-a', '1-0'),
      row('notifications', 'worker-b', '2-0'),
      row('analytics', 'worker-a', '3-0'),
    ];
    const ids = (filter: Parameters<typeof matchesFilter>[1]) =>
      rows.filter((candidate) => matchesFilter(candidate, filter)).map((candidate) => candidate.id);
    expect(ids(null)).toEqual(['1-0', '2-0', '3-0']);
    expect(ids({ group: 'notifications', consumer: null })).toEqual(['1-0', '2-0']);
    expect(ids({ group: 'notifications', consumer: 'worker-a' })).toEqual(['1-0']);
  });

  it('counts what Redis says its group or consumer holds, not the capped rows', () => {
    expect(pendingCount(groups, null)).toBe(6);
    expect(pendingCount(groups, { group: 'notifications', consumer: null })).toBe(4);
    expect(pendingCount(groups, { group: 'notifications', consumer: 'worker-a' })).toBe(3);
    expect(pendingCount(groups, { group: 'gone', consumer: null })).toBe(0);
  });

  it('goes once its group or consumer is gone', () => {
    expect(filterStillOffered(groups, { group: 'analytics', consumer: 'worker-c' })).toEqual({
      group: 'analytics',
      consumer: 'worker-c',
    });
    expect(filterStillOffered(groups, { group: 'analytics', consumer: 'worker-a' })).toBeNull();
    expect(filterStillOffered(groups, { group: 'billing', consumer: null })).toBeNull();
    expect(filterStillOffered(groups, null)).toBeNull();
  });
});
