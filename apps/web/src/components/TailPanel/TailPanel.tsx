import type { EntryView } from '@streamscope/protocol';
import { useMemo } from 'react';
import { useHoldWhileFocused } from '../../hooks/use-hold-while-focused';
import { formatCount } from '../../lib/format';
import { compareStreamIds } from '../../lib/stream-ids';
import { useDashboard } from '../../store/store';
import { Panel } from '../Panel/Panel';
import { EntryTable } from './EntryTable';

const NO_ENTRIES: readonly EntryView[] = [];

/** The newest entries (XREVRANGE + - COUNT 10), newest first; fewer when they are large, saying so. */
export function TailPanel() {
  const tail = useDashboard((state) => state.snapshot?.tail ?? NO_ENTRIES);
  const omitted = useDashboard((state) => state.snapshot?.tailOmitted ?? 0);
  const newestFirst = useMemo(() => [...tail].sort((a, b) => compareStreamIds(b.id, a.id)), [tail]);
  const { value: shown, holdWhileFocused } = useHoldWhileFocused(newestFirst);
  return (
    // Named by its command, as every other panel is: "tail" beside the Live tail panel read as a second live tail.
    <Panel title="Newest entries" subtitle="XREVRANGE">
      <div {...holdWhileFocused}>
        <EntryTable entries={shown} caption="Newest stream entries" emptyText="The stream is empty." />
        {omitted > 0 ? (
          <p className="muted tail-omitted">
            The next {formatCount(omitted)} of the newest 10 are left out: the entries shown (or the first
            left out) are large, and a snapshot reads about 1 MB of entries and sends about 128 KB. Replay
            shows them.
          </p>
        ) : null}
      </div>
    </Panel>
  );
}
