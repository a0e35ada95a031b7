import { type AlertView, type ConsumerView, LIMITS, type WorkerView } from '@streamscope/protocol';
import { memo, useId, useRef, useState } from 'react';
import { useHoldWhileFocused } from '../../hooks/use-hold-while-focused';
import { useDashboardWhileVisible } from '../../hooks/use-while-visible';
import { hasAlert } from '../../lib/alerts';
import { formatCount, formatDuration } from '../../lib/format';
import { isClosing } from '../../lib/worker-closing';
import { EntryId } from '../EntryId/EntryId';
import { PendingCount } from '../PendingPanel/PendingCount';
import { Stat } from '../Stat/Stat';
import { AlertBadges } from './AlertBadges';
import { CONSUMER_FIGURE_HINT } from './consumer-figures';
import { findConsumer } from './consumer-lookup';
import type { RemovalOutcome } from './removal-outcome';
import { useConsumerActions } from './use-consumer-actions';
import { WorkerBadges } from './WorkerBadges';

const RECENT_SHOWN = LIMITS.snapshotRecentPerWorker;

type Outcome = WorkerView['recent'][number]['outcome'];

const OUTCOME_BADGE: Record<Outcome, { label: string; tone: string }> = {
  acked: { label: 'ack', tone: 'badge-ok' },
  // Acked without the work done again: the idempotency guard knew it. Not counted as processed.
  duplicate: { label: 'dup', tone: 'badge-warn' },
  dropped: { label: 'drop', tone: 'badge-danger' },
  failed: { label: 'fail', tone: 'badge-warn' },
  deleted: { label: 'del', tone: 'badge-info' },
  'dead-lettered': { label: 'dlq', tone: 'badge-dead' },
};

interface ConsumerCardProps {
  group: string;
  /** Its name: the card reads its figures from the store itself (see below). */
  name: string;
  /** Its group is another application's (see `GroupView.createdByStreamscope`). */
  foreignGroup?: boolean;
  /** This consumer's alerts (`group/consumer` subjects); the shared empty list when none, so memo holds. */
  alerts: readonly AlertView[];
  onRemoved: (outcome: RemovalOutcome) => void;
}

/** One consumer of a group: its share of the pending list, what its worker did lately, and the levers to pull. */
export const ConsumerCard = memo(function ConsumerCard({
  group,
  name,
  foreignGroup = false,
  alerts,
  onRemoved,
}: ConsumerCardProps) {
  // Each card follows its own consumer, and only while on screen: every snapshot changes every consumer's
  // figures, and with dozens of consumers re-rendering the cards out of view was most of the page's work.
  // Scrolled back into view, a card catches up at once. When its consumer leaves the snapshot it keeps its
  // last figures until its group, rendered from the same snapshot, drops the card.
  const [card, setCard] = useState<HTMLElement | null>(null);
  const selected = useDashboardWhileVisible(card, (state) => findConsumer(state.snapshot, group, name));
  const last = useRef(selected);
  if (selected !== undefined) last.current = selected;
  if (last.current === undefined) return null;
  return (
    <ConsumerCardBody
      cardRef={setCard}
      cardElement={card}
      group={group}
      foreignGroup={foreignGroup}
      consumer={last.current}
      alerts={alerts}
      onRemoved={onRemoved}
    />
  );
});

interface ConsumerCardBodyProps extends Omit<ConsumerCardProps, 'name'> {
  cardRef: (element: HTMLElement | null) => void;
  /** The card as `cardRef` set it. */
  cardElement: HTMLElement | null;
  consumer: ConsumerView;
}

function ConsumerCardBody({
  cardRef,
  cardElement,
  group,
  foreignGroup,
  consumer,
  alerts,
  onRemoved,
}: ConsumerCardBodyProps) {
  const headingId = useId();
  const { name, worker } = consumer;
  const { value: recent, holdWhileFocused } = useHoldWhileFocused(
    worker === null ? [] : [...worker.recent].sort((a, b) => b.ts - a.ts).slice(0, RECENT_SHOWN),
  );
  const paused = worker?.paused === true;
  const actions = useConsumerActions({
    group,
    name,
    hasWorker: worker !== null,
    closing: isClosing(worker?.state),
    paused,
    connected: consumer.connected,
    crashQueued: worker?.crashQueued ?? 0,
    foreignGroup: foreignGroup === true,
    onRemoved,
    element: cardElement,
  });

  return (
    <article
      ref={cardRef}
      className={`consumer-card${worker?.alive === false ? ' is-down' : ''}${paused ? ' is-paused' : ''}`}
      aria-labelledby={headingId}
    >
      <header className="consumer-header">
        {/* Long names (a pod's, up to 64 characters) end in an ellipsis on one line; the whole is in the tooltip,
            and in the heading's text for screen readers and find in page. */}
        <h3 id={headingId} className="consumer-name name-clip" title={name}>
          {name}
        </h3>
        <div className="consumer-badges">
          <WorkerBadges worker={worker} connected={consumer.connected} />
          <AlertBadges alerts={alerts} />
        </div>
      </header>

      <dl className="consumer-stats">
        <Stat
          label="Pending"
          hint={CONSUMER_FIGURE_HINT.pending}
          tone={hasAlert(alerts, 'pending') ? 'is-alert' : consumer.pending > 0 ? 'has-pending' : undefined}
        >
          <PendingCount group={group} consumer={name} pending={consumer.pending} />
        </Stat>
        <Stat
          label="Idle"
          hint={CONSUMER_FIGURE_HINT.idle}
          tone={hasAlert(alerts, 'consumerIdleMs') ? 'is-alert' : undefined}
        >
          {formatDuration(consumer.idleMs)}
        </Stat>
        <Stat label="Processed" hint={CONSUMER_FIGURE_HINT.processed}>
          {worker === null ? '—' : formatCount(worker.processed)}
        </Stat>
        <Stat label="Reaped" hint={CONSUMER_FIGURE_HINT.reaped}>
          {worker === null ? '—' : formatCount(worker.reaped)}
        </Stat>
        <Stat
          label="Dropped"
          hint={CONSUMER_FIGURE_HINT.dropped}
          tone={worker !== null && worker.crashedDrops > 0 ? 'has-drops' : undefined}
        >
          {worker === null ? '—' : formatCount(worker.crashedDrops)}
        </Stat>
        <Stat label="Failures" hint={CONSUMER_FIGURE_HINT.failures}>
          {worker === null ? '—' : formatCount(worker.failures)}
        </Stat>
      </dl>

      {worker?.lastError ? (
        <p className="consumer-last-error" title={worker.lastError}>
          Last error: {worker.lastError}
        </p>
      ) : null}

      {worker === null ? (
        // Only a worker of this server records its deliveries: "none yet" would say nothing was delivered.
        <p className="consumer-note">
          {consumer.connected === true
            ? 'Runs in another process: pause, crash or remove it there.'
            : foreignGroup
              ? "Another application's consumer: what it reads and acks is that application's; Streamscope watches it."
              : consumer.connected === false
                ? 'No worker runs it: Redis keeps its name and what it holds pending; Remove hands that to a consumer of its group running here (add one first when none does).'
                : 'No worker runs it here, so this server has no record of its deliveries.'}
        </p>
      ) : (
        <div className="consumer-recent" {...holdWhileFocused}>
          <h4 className="consumer-recent-title">Recent deliveries</h4>
          {recent.length === 0 ? (
            <p className="consumer-recent-empty">none yet</p>
          ) : (
            <ul>
              {recent.map((outcome, slot) => {
                const badge = OUTCOME_BADGE[outcome.outcome];
                return (
                  // Keyed by position, not by entry: with the producer on, all six are new entries at every
                  // snapshot, and keyed by ID each card built six rows and threw six away four times a second
                  // (with 57 consumers, most of the page's script time). By position, the rows stay and only
                  // their text changes. The list holds still while focused, so no focused row is rewritten.
                  // biome-ignore lint/suspicious/noArrayIndexKey: the slots are the point, see above
                  <li key={slot}>
                    <EntryId id={outcome.id} />
                    <span className={`badge ${badge.tone}`}>{badge.label}</span>
                    {outcome.deliveryCount !== null && outcome.deliveryCount > 1 ? (
                      <span
                        className="attempt"
                        title={`Delivery ${outcome.deliveryCount}: read again, or claimed`}
                      >
                        ×{outcome.deliveryCount}
                      </span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      <div className="consumer-actions">{actions.buttons}</div>
      {actions.feedback}
    </article>
  );
}
