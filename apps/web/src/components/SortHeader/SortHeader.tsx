import { type SortDirection, sortedBy, type TableSort } from './table-sort';
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

/** A sortable column of figures, as a table lists them for {@link FigureSortHeaders}. */
export interface FigureColumn<Column extends string> {
  readonly column: Column;
  readonly label: string;
  readonly hint?: string;
}

/** The headers of a table's figure columns, in order: numbers, right-aligned, each sorting the table. */
export function FigureSortHeaders<Column extends string>({
  columns,
  sort,
  onSort,
}: {
  columns: readonly FigureColumn<Column>[];
  sort: TableSort<Column>;
  onSort: (column: Column) => void;
}) {
  return columns.map(({ column, label, hint }) => (
    <SortHeader
      key={column}
      column={column}
      label={label}
      hint={hint}
      sorted={sortedBy(sort, column)}
      onSort={onSort}
      className="num"
    />
  ));
}
