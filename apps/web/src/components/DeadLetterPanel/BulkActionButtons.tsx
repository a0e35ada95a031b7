import { requeueAllTitle } from './bulk-questions';

interface BulkActionButtonsProps {
  /** Letters in the dead-letter stream, and how many of them could go back (null when not all are loaded). */
  length: number;
  requeueable: number | null;
  /** A bulk action is running: one at a time, as both act on the same letters. */
  busy: boolean;
  onRequeueAll: () => void;
  onDiscardAll: () => void;
}

/** The panel's "Requeue all" and "Discard all" buttons, each of which asks before it acts. */
export function BulkActionButtons({
  length,
  requeueable,
  busy,
  onRequeueAll,
  onDiscardAll,
}: BulkActionButtonsProps) {
  return (
    <>
      <button
        type="button"
        className="small"
        aria-label="Requeue all dead letters"
        title={requeueAllTitle(requeueable, length)}
        disabled={length === 0 || requeueable === 0 || busy}
        onClick={onRequeueAll}
      >
        Requeue all
      </button>
      <button
        type="button"
        className="small danger"
        aria-label="Discard all dead letters"
        disabled={length === 0 || busy}
        onClick={onDiscardAll}
      >
        Discard all
      </button>
    </>
  );
}
