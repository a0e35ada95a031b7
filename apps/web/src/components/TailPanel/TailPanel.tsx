import type { EntryView } from '@streamscope/protocol';
import { useMemo } from 'react';
import { useHoldWhileFocused } from '../../hooks/use-hold-while-focused';
import { compareStreamIds } from '../../lib/stream-ids';
import { useDashboard } from '../../store/store';
import { Panel } from '../Panel/Panel';
import { EntryTable } from './EntryTable';

const NO_ENTRIES: readonly EntryView[] = [];

/** The newest entries (XREVRANGE + - COUNT 10), newest first. */
export function TailPanel() {
  const tail = useDashboard((state) => state.snapshot?.tail ?? NO_ENTRIES);
  const newestFirst = useMemo(() => [...tail].sort((a, b) => compareStreamIds(b.id, a.id)), [tail]);
  const { value: shown, holdWhileFocused } = useHoldWhileFocused(newestFirst);
  return (
    // Named by its command, as every other panel is: "tail" beside the Live tail panel read as a second live tail.
    <Panel title="Newest entries" subtitle="XREVRANGE">
      <div {...holdWhileFocused}>
        <EntryTable entries={shown} caption="Newest stream entries" emptyText="The stream is empty." />
      </div>
    </Panel>
  );
}
