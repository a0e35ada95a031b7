import { formatCount } from '../../lib/format';
import { OLDER_PAGE, type PageStop } from './older-pages';

interface ShowOlderProps {
  /** How many letters are shown, of `length` in the dead-letter stream. */
  shown: number;
  length: number;
  /** The snapshot's live list stopped short for the size of the next letters, at `liveCount`. */
  liveStopped: boolean;
  liveCount: number;
  /** Where the last page stopped short, while it still ends what is shown. */
  stoppedHere: PageStop | null;
  loading: boolean;
  onShowOlder: () => void;
}

/** How many of the letters are shown, why the list stops where it does, and the button that loads the next page. */
export function ShowOlder({
  shown,
  length,
  liveStopped,
  liveCount,
  stoppedHere,
  loading,
  onShowOlder,
}: ShowOlderProps) {
  return (
    <div className="dlq-more">
      <span className="muted">
        Showing the newest {formatCount(shown)} of {formatCount(length)}.
        {liveStopped ? (
          <>
            {' '}
            The live list stops at {formatCount(liveCount)}: the next letters are large, and a snapshot reads
            about 1 MB of letters and sends about 256 KB.
          </>
        ) : null}
        {stoppedHere === null ? null : (
          <>
            {' '}
            The last page stopped at {formatCount(stoppedHere.listed)} of {OLDER_PAGE} letters, at about 4 MB
            of letter data.
          </>
        )}
      </span>
      <button type="button" className="small" disabled={loading} onClick={onShowOlder}>
        {stoppedHere === null ? (
          `Show ${OLDER_PAGE} older`
        ) : (
          <>
            Show on from <span className="mono">{stoppedHere.next}</span>
          </>
        )}
      </button>
    </div>
  );
}
