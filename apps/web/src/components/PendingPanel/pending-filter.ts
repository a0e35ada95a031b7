import type { GroupView, PendingRowView } from '@streamscope/protocol';
import { create } from 'zustand';

/** Whose pending entries the table lists: one group's, or one consumer's of a group; `null` for every group's. */
export interface PendingFilter {
  readonly group: string;
  readonly consumer: string | null;
}

export interface FilterOption {
  /** What the select holds: `filterValue` of the filter. */
  value: string;
  label: string;
}

/**
 * Its own small store: a consumer's pending figure, in a group panel, sets it, and the pending table reads it.
 * Not in the dashboard's store, which holds what the server says, not what the user chose to look at.
 */
export const usePendingFilter = create<{ filter: PendingFilter | null }>(() => ({ filter: null }));

/** The id of the table's "Show" select, where a consumer's pending figure takes keyboard focus. */
export const PENDING_FILTER_ID = 'pending-filter';

/** The pending panel's area on the page (`App`), the skip links' target. */
const PENDING_AREA_ID = 'pending';

export function setPendingFilter(filter: PendingFilter | null): void {
  usePendingFilter.setState({ filter });
}

/**
 * From a group's or consumer's pending figure: lists its entries in the pending table and takes the user there,
 * focus on the filter, so the way back to every group's is the next key press.
 */
export function showPendingOf(group: string, consumer: string | null): void {
  setPendingFilter({ group, consumer });
  // The panel's area, as its skip link scrolls to it: its heading and counts in view, below the sticky header.
  document.getElementById(PENDING_AREA_ID)?.scrollIntoView({ block: 'start' });
  document.getElementById(PENDING_FILTER_ID)?.focus({ preventScroll: true });
}

export function filterValue(filter: PendingFilter | null): string {
  return filter === null ? '' : JSON.stringify([filter.group, filter.consumer]);
}

export function filterFromValue(value: string): PendingFilter | null {
  if (value === '') return null;
  const [group, consumer] = JSON.parse(value) as [string, string | null];
  return { group, consumer };
}

export function filterLabel({ group, consumer }: PendingFilter): string {
  return consumer === null ? `${group} (every consumer)` : `${group}/${consumer}`;
}

/** Every group, and under each every consumer Redis lists in it: a list that stays put while figures change. */
export function filterOptions(groups: readonly GroupView[]): FilterOption[] {
  return groups.flatMap((group) => [
    {
      value: filterValue({ group: group.name, consumer: null }),
      label: filterLabel({ group: group.name, consumer: null }),
    },
    ...group.consumers.map((consumer) => {
      const filter = { group: group.name, consumer: consumer.name };
      return { value: filterValue(filter), label: filterLabel(filter) };
    }),
  ]);
}

/**
 * The filter while its group (and consumer) are still there; `null` once gone: a deleted group's or a removed
 * consumer's filter listed nothing, under a select that no longer offered it.
 */
export function filterStillOffered(
  groups: readonly GroupView[],
  filter: PendingFilter | null,
): PendingFilter | null {
  if (filter === null) return null;
  const group = groups.find((candidate) => candidate.name === filter.group);
  if (group === undefined) return null;
  if (filter.consumer !== null && !group.consumers.some((consumer) => consumer.name === filter.consumer)) {
    return null;
  }
  return filter;
}

export function matchesFilter(row: PendingRowView, filter: PendingFilter | null): boolean {
  return (
    filter === null ||
    (row.group === filter.group && (filter.consumer === null || row.consumer === filter.consumer))
  );
}

/** How many entries the filtered group or consumer has pending, as Redis counts them (the rows are capped). */
export function pendingCount(groups: readonly GroupView[], filter: PendingFilter | null): number {
  if (filter === null) return groups.reduce((sum, group) => sum + group.pending, 0);
  const group = groups.find((candidate) => candidate.name === filter.group);
  if (group === undefined) return 0;
  if (filter.consumer === null) return group.pending;
  return group.consumers.find((consumer) => consumer.name === filter.consumer)?.pending ?? 0;
}
