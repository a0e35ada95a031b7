import type { PendingRowView } from '@streamscope/protocol';
import { nextSort, type TableSort } from '../SortHeader/table-sort';

/** The pending table's sortable columns. */
export type PendingColumn = 'idle' | 'deliveries';

export type PendingSort = TableSort<PendingColumn>;

/** Longest idle first: the entries stuck with a crashed consumer, the ones XAUTOCLAIM would take, lead. */
export const DEFAULT_PENDING_SORT: PendingSort = { column: 'idle', direction: 'descending' };

/** After a click on `column`'s header: the same column turns around; the other starts with its biggest first. */
export function nextPendingSort(current: PendingSort, column: PendingColumn): PendingSort {
  return nextSort(current, column, () => 'descending');
}

/**
 * The rows in `sort`'s order. By deliveries, most first, the entries redelivered again and again, on their way
 * to the dead letters, lead; ties go longest idle first.
 */
export function sortPending(rows: readonly PendingRowView[], sort: PendingSort): PendingRowView[] {
  const sign = sort.direction === 'descending' ? -1 : 1;
  const figure = (row: PendingRowView) => (sort.column === 'idle' ? row.idleMs : row.deliveries);
  return [...rows].sort((a, b) => sign * (figure(a) - figure(b)) || b.idleMs - a.idleMs);
}
