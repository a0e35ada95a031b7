import type { GroupView } from '@streamscope/protocol';
import { useMemo } from 'react';
import {
  filterFromValue,
  filterLabel,
  filterOptions,
  filterValue,
  PENDING_FILTER_ID,
  type PendingFilter,
  setPendingFilter,
} from './pending-filter';

/** "Show": every group's pending entries, one group's, or one consumer's of a group. */
export function PendingFilterSelect({
  groups,
  filter,
}: {
  groups: readonly GroupView[];
  filter: PendingFilter | null;
}) {
  const choices = useMemo(() => filterOptions(groups), [groups]);
  return (
    <div className="field">
      <label htmlFor={PENDING_FILTER_ID}>Show</label>
      <select
        id={PENDING_FILTER_ID}
        value={filterValue(filter)}
        // A select shows its choice cut at its edge, with no ellipsis: the whole, for a long group/consumer.
        title={filter === null ? undefined : filterLabel(filter)}
        onChange={(event) => setPendingFilter(filterFromValue(event.target.value))}
      >
        <option value="">All groups</option>
        {choices.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
