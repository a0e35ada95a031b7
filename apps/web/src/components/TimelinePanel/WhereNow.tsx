import type { EntryLetterView } from '@streamscope/protocol';
import { useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCommand } from '../../hooks/use-command';
import { formatCount, formatDuration } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { claimFate } from '../PendingPanel/claim-fate';
import { optionsFromKeys, rowClaimTarget, targetOptionKeys } from '../PendingPanel/target-options';
import type { EntryPresence } from './entry-presence';
import type { GroupNow } from './timeline-groups';

const deliveredTimes = (deliveries: number) => (deliveries === 1 ? 'once' : `${deliveries} times`);

interface WhereNowProps {
  /** The entry, and the group whose lane this closes. */
  id: string;
  group: string;
  now: GroupNow | undefined;
  /** Its letters in the dead-letter stream written for this group. */
  letters: readonly EntryLetterView[];
  /** Whether the entry is in the stream, and if not, what can have become of it. */
  entry: EntryPresence;
  /**
   * The ack this server recorded last in the group, when it is the lane's last step: a cursor past the entry then
   * means that ack, not "acked, dead-lettered or passed over".
   */
  ackedBy?: { readonly consumer: string | null; readonly duplicate: boolean } | null;
  claimMinIdleMs: number;
  /** Redis, asked where the entry stands in every group, had no group of this name. */
  groupGone?: boolean;
  /** This server recorded the entry's append: it was written, whatever became of it since. */
  written?: boolean;
  /** This server recorded a delivery or claim of it in this group. */
  deliveredHere?: boolean;
}

/**
 * Where the entry stands in a group now: pending at a consumer, as the latest snapshot lists it (its idle time live)
 * or as Redis said; done; or not yet delivered. Nothing before the first answer.
 */
export function WhereNow(props: WhereNowProps) {
  // Here, not with the button: the answer stays once the claimed entry is no longer pending and the button is gone.
  const claim = useCommand<'pending.claim'>();
  const { result } = claim;
  const answer = useRef<HTMLDivElement>(null);
  const onClaim = async (consumer: string, button: HTMLButtonElement) => {
    const hadFocus = document.activeElement === button;
    await claim.run({ type: 'pending.claim', group: props.group, id: props.id, consumer });
    // Claimed, the entry leaves the pending line and its button with it (a snapshot may take it before the answer
    // comes): focus left there fell to the page's body, and a keyboard user heard nothing. It goes to the answer.
    const focusNow = document.activeElement;
    if (hadFocus && (focusNow === button || focusNow === document.body || !button.isConnected))
      answer.current?.focus();
  };
  return (
    <>
      <StandsNow {...props} onClaim={onClaim} claiming={claim.pending} />
      <div ref={answer} tabIndex={-1} className="timeline-claim-answer">
        <ActionFeedback error={claim.error} at={claim.answeredAt}>
          {result === null ? null : (
            <>
              Claimed for <span className="mono">{result.consumer}</span> from{' '}
              <span className="mono">{result.from}</span> (delivery {formatCount(result.deliveryCount)}):{' '}
              {claimFate(result)}
            </>
          )}
        </ActionFeedback>
      </div>
    </>
  );
}

interface ClaimAction {
  /** Claims the entry for that consumer of the group; `button` is the one pressed. */
  onClaim: (consumer: string, button: HTMLButtonElement) => void;
  claiming: boolean;
}

function StandsNow({
  group,
  now,
  letters,
  entry,
  ackedBy = null,
  claimMinIdleMs,
  groupGone = false,
  written = false,
  deliveredHere = false,
  onClaim,
  claiming,
}: Omit<WhereNowProps, 'id'> & ClaimAction) {
  const pendingNow = now?.source === 'snapshot' || now?.place.state === 'pending';
  // Dead-lettered, it is acked here: the letter says more than "not pending" would.
  if (letters.length > 0 && !pendingNow)
    return (
      <>
        {letters.map((letter) => (
          <p key={letter.id} className="timeline-now is-lettered">
            In the dead letters as <span className="mono">{letter.id}</span>, from{' '}
            <span className="mono">{letter.consumer}</span>
            {letter.deliveryCount === null ? '' : ` at delivery ${formatCount(letter.deliveryCount)}`}:{' '}
            {letter.reason}.
          </p>
        ))}
      </>
    );
  // Its steps stayed in this server's record; the group, and where the entry stood in it, went.
  if (now === undefined && groupGone)
    return (
      <p className="timeline-now">This group is gone: deleted since, and the entry's place in it with it.</p>
    );
  if (now === undefined) return null;
  // Gone from the stream while pending: the server refuses a claim of it (it would drop it from the PEL
  // unrecorded), as the Pending table offers none; its To DLQ records it.
  const claim = { group, claimMinIdleMs, onClaim, claiming, trimmed: entry !== 'in-stream' };
  if (now.source === 'snapshot') {
    const { consumer, deliveries, idleMs } = now.row;
    return <PendingHere {...claim} consumer={consumer} deliveries={deliveries} idleMs={idleMs} />;
  }
  const { place } = now;
  if (place.state === 'pending') {
    const { consumer, deliveries, deliveredAt } = place;
    return (
      <UnlistedPending {...claim} consumer={consumer} deliveries={deliveries} deliveredAt={deliveredAt} />
    );
  }
  if (place.state === 'done' && ackedBy !== null)
    return (
      <p className="timeline-now">
        Done here: acked{ackedBy.consumer === null ? '' : ` by ${ackedBy.consumer}`}
        {ackedBy.duplicate ? ', its handler finding it handled already' : ''}.
      </p>
    );
  if (place.state === 'done' && entry === 'trimmed-or-deleted' && written && !deliveredHere)
    // Gone from the stream with no delivery of it recorded in this group: an entry a slow group never read was
    // said "acked, dead-lettered or passed over, if an entry ever had this ID" under its own produced step.
    return (
      <p className="timeline-now">
        Not pending here now, the group's cursor past it, and no delivery of it recorded here: trimmed before
        this group read it, passed over (the group created, or its cursor set, after it), or read by another
        process.
      </p>
    );
  if (place.state === 'done')
    return (
      <p className="timeline-now">
        Not pending here now, and the group's cursor is at or past it: acked, dead-lettered or passed over
        {!written && (entry === 'trimmed-or-deleted' || entry === 'deleted-or-never-written')
          ? ', if an entry ever had this ID'
          : ''}
        .
      </p>
    );
  return (
    <p className="timeline-now">
      {entry === 'in-stream'
        ? 'Not yet delivered to this group'
        : entry === 'not-written'
          ? 'Not delivered to this group: not written yet'
          : entry === 'deleted-or-never-written'
            ? 'Not delivered to this group, and not in the stream (deleted, or never written)'
            : 'Not delivered to this group, and no longer in the stream'}{' '}
      (its cursor is at <span className="mono">{place.lastDeliveredId}</span>).
    </p>
  );
}

/**
 * An entry pending where the snapshot does not list it (past the Pending table's rows): its idle time from when
 * Redis said it was last delivered, both times the server's, so the browser's clock does not come into it. Its own
 * component: only it renders again with each snapshot.
 */
function UnlistedPending({
  deliveredAt,
  ...pending
}: Omit<PendingHereProps, 'idleMs'> & { deliveredAt: number }) {
  const serverNow = useDashboard((state) => state.snapshot?.at ?? deliveredAt);
  return <PendingHere {...pending} idleMs={Math.max(0, serverNow - deliveredAt)} />;
}

interface PendingHereProps extends ClaimAction {
  /** The entry is no longer in the stream: nothing to claim, only a letter to write. */
  trimmed: boolean;
  group: string;
  consumer: string;
  deliveries: number;
  idleMs: number;
  claimMinIdleMs: number;
}

/**
 * Pending at a consumer, and, once idle past the claim threshold, a button that claims it for a healthy peer of
 * this server (`pending.claim`), which handles and acks it: an entry found by its ID deep in a long pending list,
 * which the Pending table does not list, can be taken from here.
 */
function PendingHere({
  group,
  consumer,
  deliveries,
  idleMs,
  claimMinIdleMs,
  onClaim,
  claiming,
  trimmed,
}: PendingHereProps) {
  const claimable = idleMs >= claimMinIdleMs && !trimmed;
  const optionKeys = useDashboard(useShallow((state) => targetOptionKeys(state.snapshot?.groups ?? [])));
  const foreign = useDashboard(
    (state) => state.snapshot?.groups.find((known) => known.name === group)?.createdByStreamscope === false,
  );
  const claim = claimable
    ? rowClaimTarget(optionsFromKeys(optionKeys), null, { group, consumer, foreign })
    : null;
  return (
    <p className="timeline-now is-pending">
      Pending now at <span className="mono">{consumer}</span>: idle {formatDuration(idleMs)}, delivered{' '}
      {deliveredTimes(deliveries)}
      {claimable ? ', claimable' : ''}.
      {trimmed ? (
        <span className="muted">
          {' '}
          Gone from the stream while pending (trimmed or deleted): nothing to claim; To DLQ on its row under
          Pending entries records it in the dead letters.
        </span>
      ) : null}
      {claim === null ? null : 'none' in claim ? (
        // Where its Claim would be, why there is none: the peer that could take it is paused, say.
        <span className="muted"> {claim.none}.</span>
      ) : (
        <>
          {' '}
          <button
            type="button"
            className="small timeline-claim name-clip"
            title={`Claim for ${claim.consumer}`}
            aria-busy={claiming}
            onClick={(event) => onClaim(claim.consumer, event.currentTarget)}
          >
            Claim for {claim.consumer}
          </button>
        </>
      )}
    </p>
  );
}
