import type { PendingRowView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { pendingRowView } from '../../testing/views';
import { DEFAULT_PENDING_SORT, nextPendingSort, sortPending } from './pending-order';

const row = (id: string, idleMs: number, deliveries: number) => pendingRowView({ id, idleMs, deliveries });

describe('the pending table order', () => {
  const rows = [row('1-0', 100, 1), row('2-0', 900, 1), row('3-0', 50, 4), row('4-0', 300, 4)];
  const ids = (sorted: readonly PendingRowView[]) => sorted.map((candidate) => candidate.id);

  it('leads with the longest idle, and by deliveries with the most redelivered, ties longest idle first', () => {
    expect(ids(sortPending(rows, DEFAULT_PENDING_SORT))).toEqual(['2-0', '4-0', '1-0', '3-0']);
    const byDeliveries = nextPendingSort(DEFAULT_PENDING_SORT, 'deliveries');
    expect(byDeliveries).toEqual({ column: 'deliveries', direction: 'descending' });
    expect(ids(sortPending(rows, byDeliveries))).toEqual(['4-0', '3-0', '2-0', '1-0']);
    const fewestFirst = nextPendingSort(byDeliveries, 'deliveries');
    expect(fewestFirst.direction).toBe('ascending');
    expect(ids(sortPending(rows, fewestFirst))).toEqual(['2-0', '1-0', '4-0', '3-0']);
  });
});
