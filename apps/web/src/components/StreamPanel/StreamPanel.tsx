import { useShallow } from 'zustand/react/shallow';
import { formatCount, formatNullable, formatRate } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { Panel } from '../Panel/Panel';

/** The stream's own state (XINFO STREAM) and the pipeline's running totals. */
export function StreamPanel() {
  const { stream, totals, producedPerSec } = useDashboard(
    useShallow((state) => ({
      stream: state.snapshot?.stream ?? null,
      totals: state.snapshot?.totals ?? null,
      producedPerSec: state.snapshot?.producedPerSec ?? 0,
    })),
  );
  return (
    <Panel title="Stream" subtitle="XINFO STREAM">
      {stream === null || totals === null ? (
        <p className="empty">Waiting for the first snapshot…</p>
      ) : (
        <>
          <dl className="stats">
            <div>
              <dt>Length</dt>
              <dd>{formatCount(stream.length)}</dd>
            </div>
            <div>
              <dt>Produced</dt>
              <dd>{formatCount(totals.produced)}</dd>
            </div>
            <div>
              <dt>Acked</dt>
              <dd>{formatCount(totals.acked)}</dd>
            </div>
            <div>
              <dt>Claimed</dt>
              <dd>{formatCount(totals.claimed)}</dd>
            </div>
            <div>
              <dt>Dead-lettered</dt>
              <dd className={totals.deadLettered > 0 ? 'has-dead' : undefined}>
                {formatCount(totals.deadLettered)}
              </dd>
            </div>
            <div>
              <dt>Produce rate</dt>
              <dd>{formatRate(producedPerSec)}</dd>
            </div>
            <div>
              <dt>Entries added</dt>
              <dd className={stream.entriesAdded === null ? 'unknown' : undefined}>
                {formatNullable(stream.entriesAdded)}
              </dd>
            </div>
          </dl>
          <dl className="stats stream-ids">
            <div>
              <dt>First ID</dt>
              <dd className="mono">{stream.firstEntryId ?? '—'}</dd>
            </div>
            <div>
              <dt>Last ID</dt>
              <dd className="mono">{stream.lastEntryId ?? '—'}</dd>
            </div>
          </dl>
          {stream.exists ? null : <p className="muted stream-note">The stream key does not exist yet.</p>}
        </>
      )}
    </Panel>
  );
}
