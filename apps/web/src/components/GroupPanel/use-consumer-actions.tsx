import { useCommand } from '../../hooks/use-command';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import type { RemovalOutcome } from './removal-outcome';

/** How many deliveries "Crash next 3" drops, as in the reference demo. */
export const CRASH_COUNT = 3;

interface ConsumerActionsOptions {
  group: string;
  name: string;
  /** Whether this server runs its worker: only then can it crash or pause it. */
  hasWorker: boolean;
  paused: boolean;
  /** Whether a Streamscope worker (here or in another process) holds a connection under its name. */
  connected: boolean | null;
  /** Deliveries its worker will still drop; the crash message is shown while there are some. */
  crashQueued: number;
  onRemoved: (outcome: RemovalOutcome) => void;
}

/**
 * A consumer's three levers (Crash next 3, Pause or Resume, Remove) and what the last of them answered, as two
 * elements, so a card and a compact table row can each put them where they fit. The buttons' accessible names
 * name the consumer ("Pause worker-a"), the same in both views.
 */
export function useConsumerActions({
  group,
  name,
  hasWorker,
  paused,
  connected,
  crashQueued,
  onRemoved,
}: ConsumerActionsOptions) {
  // One request at a time per consumer: the error shown is the one its last button got.
  const action = useCommand<'consumer.crash' | 'consumer.pause' | 'consumer.resume' | 'consumer.remove'>();
  const crashResult = action.result !== null && 'crashQueued' in action.result ? action.result : null;

  const buttons = (
    <>
      <button
        type="button"
        className="small danger"
        aria-label={`Crash next ${CRASH_COUNT} on ${name}`}
        disabled={!hasWorker}
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
          disabled={!hasWorker}
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
        disabled={!hasWorker && connected === true}
        title={
          hasWorker
            ? undefined
            : connected
              ? 'Its worker runs in another process: remove it there'
              : 'Hand what it holds to a consumer of this group running here, then delete it'
        }
        onClick={() =>
          void action
            .run(
              { type: 'consumer.remove', group, name },
              {
                onError: (error) =>
                  error.code === 'not_found' && onRemoved({ name, goneAlready: error.message }),
              },
            )
            .then((result) => {
              if (result !== null && 'handedOverTo' in result) onRemoved(result);
            })
        }
      >
        Remove
      </button>
    </>
  );
  const feedback = (
    <ActionFeedback error={action.error}>
      {/* While the crash is still queued: once the drops happened, the message would no longer be true. */}
      {crashResult === null || crashQueued === 0 ? null : (
        <>
          Next <strong>{crashQueued}</strong> deliveries will be dropped without XACK
        </>
      )}
    </ActionFeedback>
  );
  return { buttons, feedback };
}
