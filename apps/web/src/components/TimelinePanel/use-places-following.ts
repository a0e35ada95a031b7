import type { PendingRowView } from '@streamscope/protocol';
import { useEffect, useRef } from 'react';
import type { TimelineState } from '../../store/timeline';
import { refreshEntryPlaces } from './open-timeline';

/** How long after a step, or a change of its pending rows, the timeline asks again where the entry stands. */
const PLACES_SETTLE_MS = 150;

/**
 * Asks again where the open entry stands (see `refreshEntryPlaces`) once a step of it arrives, its pending rows
 * change (claimed, acked, listed anew) or a group comes or goes (`groupNames`): shortly after, so that a burst of
 * steps asks once. Not on the answer that opened the panel, and not on a row's idle time, new in every snapshot,
 * which asked four times a second for as long as the entry stayed pending.
 */
export function usePlacesFollowing(
  timeline: TimelineState | null,
  pendingRows: readonly PendingRowView[],
  groupNames: string,
): void {
  const ready = timeline?.status === 'ready';
  const holders = pendingRows.map((row) => `${row.group}/${row.consumer}/${row.deliveries}`).join(' ');
  const seen = `${timeline?.id} ${timeline?.events.length ?? 0} ${holders} | ${groupNames}`;
  // What the last answer was of.
  const answered = useRef<string | null>(null);
  useEffect(() => {
    if (!ready) {
      answered.current = null;
      return;
    }
    if (answered.current === null || answered.current === seen) {
      answered.current = seen;
      return;
    }
    answered.current = seen;
    const timer = setTimeout(refreshEntryPlaces, PLACES_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [ready, seen]);
}
