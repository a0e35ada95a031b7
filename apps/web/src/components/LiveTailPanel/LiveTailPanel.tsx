import { useState } from 'react';
import { useFreezableNewestFirst } from '../../hooks/use-freeze';
import { useLiveListsSince } from '../../hooks/use-stream-reset';
import { useDashboardWhileVisible } from '../../hooks/use-while-visible';
import { formatCount } from '../../lib/format';
import { LIVE_TAIL_MAX } from '../../store/store';
import { Panel } from '../Panel/Panel';
import { EntryTable } from '../TailPanel/EntryTable';
import './LiveTailPanel.css';

/**
 * New entries as a plain `XREAD BLOCK` sees them, with no consumer group: reading changes nothing in Redis, so this
 * is what every group will be delivered, before any of them is. "Freeze tail" holds the list so an ID can be clicked.
 */
export function LiveTailPanel() {
  const [body, setBody] = useState<HTMLDivElement | null>(null);
  const live = useDashboardWhileVisible(body, (state) => state.liveTail);
  const omitted = useDashboardWhileVisible(body, (state) => state.liveTailOmitted);
  const since = useLiveListsSince();
  const { newestFirst, freezeButton, holdWhileFocused, frozen } = useFreezableNewestFirst(
    live,
    'Freeze tail',
  );

  return (
    <Panel title="Live tail" subtitle="XREAD, no group" className="live-tail" actions={freezeButton}>
      <div ref={setBody} {...holdWhileFocused}>
        <p className="live-tail-note">
          {/* Frozen, the rows are no longer the newest, and the count of those before them runs on: said as the
              list's, it was false of what the table held. */}
          {frozen ? (
            'Frozen: the entries as they stood when Freeze tail was pressed, newest first; those written since are shown once it is pressed again'
          ) : (
            <>
              The newest {LIVE_TAIL_MAX} entries written since {since}, newest first
            </>
          )}
          {omitted > 0 && !frozen ? (
            <span className="live-tail-omitted">
              ; {formatCount(omitted)} more written before them (the server sends the newest, a few times a
              second, and this list keeps {LIVE_TAIL_MAX})
            </span>
          ) : null}
          .
        </p>
        <EntryTable
          entries={newestFirst}
          caption="Entries seen by the live tail, newest first"
          emptyText={`No new entries since ${since}.`}
        />
      </div>
    </Panel>
  );
}
