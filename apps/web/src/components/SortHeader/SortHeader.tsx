import type { SortDirection } from './table-sort';
import './SortHeader.css';

/**
 * A column header that sorts its table: a button, the direction in `aria-sort` (what screen readers read) and
 * drawn from it as an arrow. `sorted` is the column's direction while the table is sorted by it.
 */
export function SortHeader<Column extends string>({
  column,
  label,
  hint,
  sorted,
  onSort,
  className,
}: {
  column: Column;
  label: string;
  hint?: string | undefined;
  sorted: SortDirection | null;
  onSort: (column: Column) => void;
  className?: string | undefined;
}) {
  return (
    <th scope="col" className={className} aria-sort={sorted ?? undefined}>
      <button type="button" className="text-button sort-button" title={hint} onClick={() => onSort(column)}>
        {label}
      </button>
    </th>
  );
}
