import type { AlertView, CommandResults, ConsumerView, WorkerView } from '@streamscope/protocol';
import { memo, useId, useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { useHoldWhileFocused } from '../../hooks/use-hold-while-focused';
import { useDashboardWhileVisible } from '../../hooks/use-while-visible';
import { hasAlert } from '../../lib/alerts';
import { formatCount, formatDuration } from '../../lib/format';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { EntryId } from '../EntryId/EntryId';
import { Stat } from '../Stat/Stat';
import { AlertBadges } from './AlertBadges';
import { findConsumer } from './consumer-lookup';

/** How many deliveries "Crash next 3" drops, as in the reference demo. */
const CRASH_COUNT = 3;
const RECENT_SHOWN = 6;

type Outcome = WorkerView['recent'][number]['outcome'];

const OUTCOME_BADGE: Record<Outcome, { label: string; tone: string }> = {
  acked: { label: 'ack', tone: 'badge-ok' },
  dropped: { label: 'drop', tone: 'badge-danger' },
  failed: { label: 'fail', tone: 'badge-warn' },
  deleted: { label: 'del', tone: 'badge-info' },
  'dead-lettered': { label: 'dlq', tone: 'badge-dead' },
};

interface ConsumerCardProps {
  group: string;
  /** Its name: the card reads its figures from the store itself (see below). */
  name: string;
  /** This consumer's alerts (`group/consumer` subjects); the shared empty list when none, so memo holds. */
  alerts: readonly AlertView[];
  onRemoved: (result: CommandResults['consumer.remove']) => void;
}

function WorkerBadges({ worker, connected }: { worker: WorkerView | null; connected: boolean | null }) {
  if (worker === null) {
    // Not run by this server. A worker of another Streamscope process keeps a named connection open.
    return connected ? (
      <span
        className="badge badge-ok"
        title="No worker runs under this name here; a Streamscope worker in another process holds it (its connection is open)"
      >
        elsewhere
      </span>
    ) : (
      <span
        className="badge"
        title={
          connected === null
            ? 'Redis knows this consumer, but no worker runs under its name here (Redis would not list its clients)'
            : 'Redis knows this consumer, but no Streamscope worker, here or elsewhere, is connected under its name'
        }
      >
        no worker
      </span>
    );
  }
  return (
    <>
      {worker.alive ? (
        <span className="badge badge-ok">alive</span>
      ) : (
        <span className="badge badge-danger">{worker.state === 'running' ? 'down' : worker.state}</span>
      )}
      {worker.paused ? <span className="badge badge-warn">paused</span> : null}
      {worker.crashQueued > 0 ? (
        <span className="badge badge-danger" title="Its next deliveries will be dropped without XACK">
          crash-queued {worker.crashQueued}
        </span>
      ) : null}
    </>
  );
}

/** One consumer of a group: its share of the pending list, what its worker did lately, and the levers to pull. */
export const ConsumerCard = memo(function ConsumerCard({
  group,
  name,
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
      group={group}
      consumer={last.current}
      alerts={alerts}
      onRemoved={onRemoved}
    />
  );
});

interface ConsumerCardBodyProps extends Omit<ConsumerCardProps, 'name'> {
  cardRef: (element: HTMLElement | null) => void;
  consumer: ConsumerView;
}

function ConsumerCardBody({ cardRef, group, consumer, alerts, onRemoved }: ConsumerCardBodyProps) {
  const headingId = useId();
  const { name, worker } = consumer;
  // One request at a time per card: the error shown is the one its last button got.
  const action = useCommand<'consumer.crash' | 'consumer.pause' | 'consumer.resume' | 'consumer.remove'>();
  const crashResult = action.result !== null && 'crashQueued' in action.result ? action.result : null;
  const { value: recent, holdWhileFocused } = useHoldWhileFocused(
    worker === null ? [] : [...worker.recent].sort((a, b) => b.ts - a.ts).slice(0, RECENT_SHOWN),
  );
  const paused = worker?.paused === true;

  return (
    <article
      ref={cardRef}
      className={`consumer-card${worker?.alive === false ? ' is-down' : ''}${paused ? ' is-paused' : ''}`}
      aria-labelledby={headingId}
    >
      <header className="consumer-header">
        <h3 id={headingId} className="consumer-name">
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
          tone={hasAlert(alerts, 'pending') ? 'is-alert' : consumer.pending > 0 ? 'has-pending' : undefined}
        >
          {formatCount(consumer.pending)}
        </Stat>
        <Stat label="Idle" tone={hasAlert(alerts, 'consumerIdleMs') ? 'is-alert' : undefined}>
          {formatDuration(consumer.idleMs)}
        </Stat>
        <Stat label="Processed">{worker === null ? '—' : formatCount(worker.processed)}</Stat>
        <Stat label="Reaped">{worker === null ? '—' : formatCount(worker.reaped)}</Stat>
        <Stat label="Dropped" tone={worker !== null && worker.crashedDrops > 0 ? 'has-drops' : undefined}>
          {worker === null ? '—' : formatCount(worker.crashedDrops)}
        </Stat>
        <Stat label="Failures">{worker === null ? '—' : formatCount(worker.failures)}</Stat>
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
            : consumer.connected === false
              ? 'No worker runs it: Redis keeps its name and what it holds pending; Remove hands that to a consumer running here.'
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
                      <span className="attempt" title="Delivery attempt">
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
      <div className="consumer-actions">
        <button
          type="button"
          className="small danger"
          aria-label={`Crash next ${CRASH_COUNT} on ${name}`}
          disabled={worker === null}
          onClick={() => void action.run({ type: 'consumer.crash', group, name, count: CRASH_COUNT })}
        >
          Crash next {CRASH_COUNT}
        </button>
        {paused ? (
          <button
            type="button"
            className="small"
            aria-label={`Resume ${name}`}
            onClick={() => void action.run({ type: 'consumer.resume', group, name })}
          >
            Resume
          </button>
        ) : (
          <button
            type="button"
            className="small"
            aria-label={`Pause ${name}`}
            disabled={worker === null}
            onClick={() => void action.run({ type: 'consumer.pause', group, name })}
          >
            Pause
          </button>
        )}
        <button
          type="button"
          className="small"
          aria-label={`Remove ${name}`}
          // Another process's worker is that process's to remove; a dead one's entries can be taken over here.
          disabled={worker === null && consumer.connected === true}
          title={
            worker === null
              ? consumer.connected
                ? 'Its worker runs in another process: remove it there'
                : 'Hand what it holds to a consumer of this group running here, then delete it'
              : undefined
          }
          onClick={() =>
            void action.run({ type: 'consumer.remove', group, name }).then((result) => {
              if (result !== null && 'handedOverTo' in result) onRemoved(result);
            })
          }
        >
          Remove
        </button>
      </div>
      <ActionFeedback error={action.error}>
        {/* While the crash is still queued: once the drops happened, the message would no longer be true. */}
        {crashResult === null || (worker?.crashQueued ?? 0) === 0 ? null : (
          <>
            Next <strong>{worker?.crashQueued}</strong> deliveries will be dropped without XACK
          </>
        )}
      </ActionFeedback>
    </article>
  );
}
