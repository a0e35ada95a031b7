import type { PendingRowView } from '@streamscope/protocol';
import { useCallback, useState } from 'react';

const NONE: ReadonlySet<string> = new Set();
const rowKey = (row: Pick<PendingRowView, 'group' | 'id'>) => `${row.group}/${row.id}`;

/**
 * Pending rows a button here settled (dead-lettered, or claimed and acked): gone from the table at once, though
 * it holds still under the pointer that clicked. Forgotten once no snapshot lists them: a cursor moved back may
 * make one pending again.
 */
export function useRowsDoneHere() {
  const [done, setDone] = useState<ReadonlySet<string>>(NONE);

  const markDone = useCallback((row: Pick<PendingRowView, 'group' | 'id'>) => {
    setDone((current) => new Set(current).add(rowKey(row)));
  }, []);

  /** `listed` (what the table shows, perhaps held) without the rows done here; `live` is the snapshot's. */
  const withoutDone = (
    listed: readonly PendingRowView[],
    live: readonly PendingRowView[],
  ): readonly PendingRowView[] => {
    if (done.size === 0) return listed;
    const listedNow = new Set([...live, ...listed].map(rowKey));
    const stillListed = [...done].filter((key) => listedNow.has(key));
    // React's reset-state-during-render: no extra paint in between.
    if (stillListed.length < done.size) setDone(stillListed.length === 0 ? NONE : new Set(stillListed));
    return listed.filter((row) => !done.has(rowKey(row)));
  };

  return { markDone, withoutDone };
}

/**
 * Where focus goes once the row of `button` leaves: the same button of the next row (its accessible name begins
 * with `label`), or of the one before, not the top of the page. Settling a run of entries from the keyboard is a
 * Tab-free walk down the table. Read before the row goes; call the answer after.
 */
export function focusAfterRowLeaves(button: HTMLButtonElement, label: string): () => void {
  const row = button.closest('tr');
  const neighbour = row?.nextElementSibling ?? row?.previousElementSibling ?? null;
  return () => {
    if (document.activeElement !== button) return;
    const next = neighbour?.querySelector<HTMLButtonElement>(`button[aria-label^="${label}"]`);
    (next ?? neighbour?.querySelector<HTMLButtonElement>('button'))?.focus();
  };
}
