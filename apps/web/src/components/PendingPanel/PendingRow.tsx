import { memo } from 'react';
import { formatDuration } from '../../lib/format';
import { EntryId } from '../EntryId/EntryId';

export interface PendingRowProps {
  group: string;
  consumer: string;
  id: string;
  eventType: string | null;
  /** The snapshot did not read the entry for its type: those before it are large. */
  typeNotRead: boolean;
  idleMs: number;
  deliveries: number;
  claimMinIdleMs: number;
  /** Offered once claimable, in a group Streamscope runs: another application's entries are its own to park. */
  onDeadLetter: ((group: string, id: string, button: HTMLButtonElement, trimmed: boolean) => void) | null;
  /** The consumer of this server its Claim button claims it for; `null`: none in its group. */
  claimFor: string | null;
  /** Why its Claim claims for no one (a group of one here, its peers paused), said on a Claim that does nothing. */
  noClaimWhy: string | null;
  onClaim: (group: string, id: string, consumer: string, button: HTMLButtonElement) => void;
}

// Plain values as props, so memo skips rows whose figures did not change between snapshots.
/** One row of the pending table: who holds the entry, how long idle, and what can be done with it. */
export const PendingRow = memo(function PendingRow({
  group,
  consumer,
  id,
  eventType,
  typeNotRead,
  idleMs,
  deliveries,
  claimMinIdleMs,
  onDeadLetter,
  claimFor,
  noClaimWhy,
  onClaim,
}: PendingRowProps) {
  const claimable = idleMs >= claimMinIdleMs;
  // Its payload trimmed away: a claim would drop it from the PEL unrecorded (the server refuses it); To DLQ records it.
  const trimmed = !typeNotRead && eventType === null;
  // With no one to claim it for, Claim stays where it would be, doing nothing and saying why: gone without a word,
  // the amber dot and To DLQ read as if a claim by hand were not offered for this entry at all.
  const claimShown = !trimmed && (claimFor !== null || noClaimWhy !== null);
  const buttons = claimShown || onDeadLetter !== null;
  const progress = claimMinIdleMs === 0 ? 1 : Math.min(1, idleMs / claimMinIdleMs);
  return (
    <tr className={claimable ? 'is-claimable' : undefined}>
      <td className="mono">
        <span className="cell-clip" title={group}>
          {group}
        </span>
      </td>
      <td className="mono">
        <span className="cell-clip" title={consumer}>
          {consumer}
        </span>
      </td>
      <td>
        <EntryId id={id} />
      </td>
      <td className="mono">
        {typeNotRead ? (
          <span
            className="muted"
            title="Not read for its type: a snapshot reads about 1 MB of a group's pending entries, oldest first, for their types, and the ones before it are large"
          >
            not read
          </span>
        ) : (
          (eventType ??
          // Under load, MAXLEN trims entries still in a consumer's hands: it has the payload and will ack
          // them. Only one left idle past the claim threshold is headed for the dead-letter stream.
          (claimable ? (
            <span
              className="badge badge-danger"
              title="Its payload was trimmed away and no one has acked it: a claim sends it to the dead-letter stream"
            >
              trimmed
            </span>
          ) : (
            <span
              className="badge"
              title="Its payload was trimmed from the stream; the consumer holding it has it in hand and may still ack it"
            >
              trimmed
            </span>
          )))
        )}
      </td>
      <td className="num">{formatDuration(idleMs)}</td>
      <td className={`num${deliveries > 1 ? ' redelivered' : ''}`}>{deliveries}</td>
      <td>
        {claimable ? (
          <span className="claim-actions">
            {/* Beside buttons, the dot alone (the word for screen readers and the tooltip): with Claim and To DLQ
                the word pushed To DLQ out of the panel at 1,280 px once idle times ran to minutes. The row's
                amber edge says it too. */}
            <span
              className={`badge badge-warn${buttons ? ' is-dot' : ''}`}
              title="Idle past the claim threshold: XAUTOCLAIM would take it"
            >
              <span className="claim-dot" aria-hidden="true" />
              <span className={buttons ? 'sr-only' : undefined}>claimable</span>
            </span>
            {!claimShown ? null : claimFor === null ? (
              // aria-disabled, not disabled: it stays in the tab order, so the reason (its description) is heard.
              <button
                type="button"
                className="small"
                aria-disabled="true"
                aria-label={`Claim: ${id} of ${group}`}
                title={noClaimWhy ?? undefined}
              >
                Claim
              </button>
            ) : (
              <button
                type="button"
                className="small"
                aria-label={`Claim: ${id} of ${group} for ${claimFor}`}
                title={`Claim it for ${group}/${claimFor}, which handles and acks it (XCLAIM)`}
                onClick={(event) => onClaim(group, id, claimFor, event.currentTarget)}
              >
                Claim
              </button>
            )}
            {onDeadLetter === null ? null : (
              <button
                type="button"
                className="small"
                // The visible words first in the name, as voice control users say them (and axe checks).
                aria-label={`To DLQ: ${id} of ${group}`}
                title="Ack it in its group and keep it in the dead-letter stream, to requeue once its handler is fixed"
                onClick={(event) => onDeadLetter(group, id, event.currentTarget, trimmed)}
              >
                {/* Short: the table has no room for a wider column at 1,280 px; the title and name say it whole. */}
                To DLQ
              </button>
            )}
          </span>
        ) : (
          <span
            className="idle-progress"
            title={`${formatDuration(claimMinIdleMs - idleMs)} until claimable`}
          >
            <span className="idle-progress-bar" style={{ width: `${Math.round(progress * 100)}%` }} />
          </span>
        )}
      </td>
    </tr>
  );
});
