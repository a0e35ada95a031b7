import { useShallow } from 'zustand/react/shallow';
import { formatCount, formatNullable, formatRate } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { EntryLookup } from '../EntryLookup/EntryLookup';
import { Panel } from '../Panel/Panel';
import { Stat } from '../Stat/Stat';
import { streamLostNote } from './stream-lost-note';
import { totalsNote } from './totals-note';
import './StreamPanel.css';

/** An ID that may break onto two lines only after its dash: the browser sees no break point in `1795…-19`. */
function StreamId({ id }: { id: string | null }) {
  if (id === null) return <>—</>;
  const dash = id.indexOf('-');
  if (dash === -1) return <>{id}</>;
  return (
    <>
      {id.slice(0, dash + 1)}
      <wbr />
      {id.slice(dash + 1)}
    </>
  );
}

/** The stream's own state (XINFO STREAM) and the pipeline's running totals. */
export function StreamPanel() {
  const { stream, totals, producedPerSec, groups } = useDashboard(
    useShallow((state) => ({
      stream: state.snapshot?.stream ?? null,
      totals: state.snapshot?.totals ?? null,
      producedPerSec: state.snapshot?.producedPerSec ?? 0,
      groups: state.snapshot?.groups.length ?? 0,
    })),
  );
  return (
    <Panel title="Stream" subtitle="XINFO STREAM">
      {stream === null || totals === null ? (
        <p className="empty">Waiting for the first snapshot…</p>
      ) : (
        <>
          <dl className="stats">
            <Stat label="Length">{formatCount(stream.length)}</Stat>
            <Stat label="Produced">{formatCount(totals.produced)}</Stat>
            <Stat label="Acked">{formatCount(totals.acked)}</Stat>
            <Stat label="Claimed">{formatCount(totals.claimed)}</Stat>
            <Stat label="Dead-lettered" tone={totals.deadLettered > 0 ? 'has-dead' : undefined}>
              {formatCount(totals.deadLettered)}
            </Stat>
            <Stat label="Produce rate">{formatRate(producedPerSec)}</Stat>
            <Stat
              label="Entries added"
              hint="Redis's own count of entries ever added to this stream, by any client (XINFO STREAM)"
              tone={stream.entriesAdded === null ? 'unknown' : undefined}
            >
              {formatNullable(stream.entriesAdded)}
            </Stat>
          </dl>
          <dl className="stats stream-ids">
            <Stat label="First ID" tone="mono">
              <StreamId id={stream.firstEntryId} />
            </Stat>
            <Stat label="Last ID" tone="mono">
              <StreamId id={stream.lastEntryId} />
            </Stat>
          </dl>
          <StreamLostNote />
          {stream.exists ? null : <p className="muted stream-note">The stream key does not exist yet.</p>}
          <p className="stream-totals-note">{totalsNote(groups)}</p>
        </>
      )}
      <EntryLookup />
    </Panel>
  );
}

/** The stream deleted under this server, by something other than its reset (see `streamLostNote`). */
function StreamLostNote() {
  const note = useDashboard((state) => streamLostNote(state.streamLostAt, state.snapshot?.at ?? 0));
  if (note === null) return null;
  return (
    // No live region: the page's one status is the connection's; the note stays while the charts show the loss.
    <p className="stream-lost-note">
      <span aria-hidden="true">⚠ </span>
      {note}
    </p>
  );
}
