export type SortDirection = 'ascending' | 'descending';

/** A table's order: the column it is sorted by, and which way. */
export interface TableSort<Column extends string> {
  column: Column;
  direction: SortDirection;
}

/** `column`'s direction while the table is sorted by it, for its header (`SortHeader`); `null` otherwise. */
export function sortedBy<Column extends string>(
  sort: TableSort<Column>,
  column: Column,
): SortDirection | null {
  return sort.column === column ? sort.direction : null;
}

/**
 * The sort after a click on `column`'s header: the same column turns around; another starts the way `firstWay`
 * says for it (names in counting order, figures biggest first, as each table chooses).
 */
export function nextSort<Column extends string>(
  current: TableSort<Column>,
  column: Column,
  firstWay: (column: Column) => SortDirection,
): TableSort<Column> {
  if (current.column === column) {
    return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  return { column, direction: firstWay(column) };
}
