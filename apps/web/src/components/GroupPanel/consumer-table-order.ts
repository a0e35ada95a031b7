import type { ConsumerView } from '@streamscope/protocol';
import { nextSort as nextTableSort, type TableSort } from '../SortHeader/table-sort';

/** The compact table's sortable columns. */
export type SortColumn = 'name' | 'pending' | 'idle' | 'processed' | 'reaped' | 'dropped' | 'failures';

export type ConsumerSort = TableSort<SortColumn>;

/** The order the server lists consumers in, counting order by name (worker-2 before worker-10), as the cards. */
export const DEFAULT_SORT: ConsumerSort = { column: 'name', direction: 'ascending' };

/**
 * The sort after a click on `column`'s header: the same column turns around; another starts with its names in
 * counting order, or its biggest figures first (who holds the backlog, who has been idle longest).
 */
export function nextSort(current: ConsumerSort, column: SortColumn): ConsumerSort {
  return nextTableSort(current, column, (first) => (first === 'name' ? 'ascending' : 'descending'));
}

/** A consumer's figure in `column`; `null` for a worker's figure when no worker runs it here (shown as —). */
function figure(consumer: ConsumerView, column: Exclude<SortColumn, 'name'>): number | null {
  const { worker } = consumer;
  switch (column) {
    case 'pending':
      return consumer.pending;
    case 'idle':
      return consumer.idleMs;
    case 'processed':
      return worker?.processed ?? null;
    case 'reaped':
      return worker?.reaped ?? null;
    case 'dropped':
      return worker?.crashedDrops ?? null;
    case 'failures':
      return worker?.failures ?? null;
  }
}

/**
 * The consumers' names in table order. `consumers` comes in the server's counting order, which is the name
 * order, so sorting by name only keeps or turns it around. Figures tie in that order, and consumers without a
 * figure (no worker here) go last either way: they have nothing to compare.
 */
export function consumerOrder(consumers: readonly ConsumerView[], sort: ConsumerSort): string[] {
  const names = consumers.map((consumer) => consumer.name);
  if (sort.column === 'name') return sort.direction === 'ascending' ? names : names.reverse();
  const column = sort.column;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return consumers
    .map((consumer, index) => ({ name: consumer.name, value: figure(consumer, column), index }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) {
        return (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) || a.index - b.index;
      }
      return sign * (a.value - b.value) || a.index - b.index;
    })
    .map((row) => row.name);
}

/**
 * `held`, an order shown earlier, brought up to date without moving a row: consumers gone since are left out,
 * new ones follow in their `live` order. While focus or the pointer is in the table its rows keep still, as a row
 * moved under a focused button takes focus with it out of the page (to `<body>`), one moved under the cursor takes
 * the click meant for another consumer, and sorted by idle every row moves each tick.
 */
export function keepOrder(held: readonly string[], live: readonly string[]): string[] {
  const present = new Set(live);
  const kept = held.filter((name) => present.has(name));
  const known = new Set(kept);
  return [...kept, ...live.filter((name) => !known.has(name))];
}
