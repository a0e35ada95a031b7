import { useShallow } from 'zustand/react/shallow';
import { formatCount, formatDuration, formatRate } from '../../lib/format';
import { shortRetention } from '../../lib/short-retention';
import { useDashboard } from '../../store/store';

/**
 * Warns, over the pending table, when the stream keeps entries for less time than the claim threshold: entries a
 * consumer drops then leave for the dead letters as `trimmed`, and a claim finds only their deleted IDs.
 */
export function ShortRetentionNote() {
  const short = useDashboard(
    useShallow((state) => (state.snapshot === null ? null : shortRetention(state.snapshot))),
  );
  const claimMinIdleMs = useDashboard((state) => state.snapshot?.claimMinIdleMs ?? 0);
  if (short === null) return null;
  return (
    // No live region: its figures change at every snapshot, and the page's one status is the connection's.
    <p className="pending-short-retention">
      <span aria-hidden="true">⚠ </span>
      {short.cause === 'maxlen' ? (
        <>
          At {formatRate(short.producedPerSec)}, MAXLEN ~ {formatCount(short.maxlen)} keeps{' '}
          {formatDuration(short.keptMs)} of entries
        </>
      ) : (
        <>The retention policy keeps {formatDuration(short.keptMs)} of entries</>
      )}
      , under the claim threshold of {formatDuration(claimMinIdleMs)}: an entry a consumer drops is trimmed
      before it can be claimed, and goes to the dead letters as trimmed.{' '}
      {short.cause === 'maxlen' ? (
        <>
          {/* A flag, whole: the line broke it after its first dash, and "-maxlen" was copied. */}
          Lower the rate, or start the server with a larger <code className="flag">--maxlen</code>.
        </>
      ) : (
        'Keep entries longer than the claim threshold.'
      )}
    </p>
  );
}
