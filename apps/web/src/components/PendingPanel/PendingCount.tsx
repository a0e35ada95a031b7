import { formatCount } from '../../lib/format';
import { showPendingOf } from './pending-filter';
import './PendingCount.css';

/**
 * A group's or a consumer's pending count; above zero, a button that lists those entries in the pending table
 * ("who holds which entries" was a count here and a mixed table of every group there).
 */
export function PendingCount({
  group,
  consumer,
  pending,
}: {
  group: string;
  /** `null`: the group's whole count, listing every consumer's entries of it. */
  consumer: string | null;
  pending: number;
}) {
  if (pending === 0) return <>{formatCount(pending)}</>;
  return (
    <button
      type="button"
      className="text-button pending-count"
      // The figure first in the name, as it is what a voice control user sees and says.
      aria-label={`${formatCount(pending)} pending: list those of ${consumer === null ? group : `${group}/${consumer}`}`}
      title="List them in the pending table"
      onClick={() => showPendingOf(group, consumer)}
    >
      {formatCount(pending)}
    </button>
  );
}
