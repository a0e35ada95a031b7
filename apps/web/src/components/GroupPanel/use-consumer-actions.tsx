import { useLayoutEffect, useRef } from 'react';
import { useAnswerGoesWhenChanged } from '../../hooks/use-answer-goes-when-changed';
import { useCommand } from '../../hooks/use-command';
import { figuresStale, useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { findConsumer } from './consumer-lookup';
import { consumerCount } from './not-shown';
import type { RemovalOutcome } from './removal-outcome';
import { removalRefusal } from './removal-refusal';

/** How many deliveries "Crash next 3" drops, as in the reference demo. */
export const CRASH_COUNT = 3;

interface ConsumerActionsOptions {
  group: string;
  name: string;
  /** Whether this server runs its worker: only then can it crash or pause it. */
  hasWorker: boolean;
  /**
   * Its worker here is closing (a reset or a group's deletion is stopping it): no lever applies to it, and one
   * queued behind that change would act on the worker started after it, of the same name.
   */
  closing: boolean;
  paused: boolean;
  /** Whether a Streamscope worker (here or in another process) holds a connection under its name. */
  connected: boolean | null;
  /** Deliveries its worker will still drop; the crash message is shown while there are some. */
  crashQueued: number;
  /** Its group is another application's: a consumer of it no worker here runs is that application's to remove. */
  foreignGroup?: boolean;
  onRemoved: (outcome: RemovalOutcome) => void;
  /** The card or table row the levers are on: leaving the page with focus in it, it says why in its group. */
  element: HTMLElement | null;
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
  closing,
  paused,
  connected,
  crashQueued,
  foreignGroup = false,
  onRemoved,
  element,
}: ConsumerActionsOptions) {
  // One request at a time per consumer: the error shown is the one its last button got.
  const action = useCommand<'consumer.crash' | 'consumer.pause' | 'consumer.resume' | 'consumer.remove'>();
  const crashResult = action.result !== null && 'crashQueued' in action.result ? action.result : null;
  // A removal refused as the group's last consumer stops being true once the group gains (or loses) one: left up,
  // "add another consumer first" still stood under the card after six more had been added.
  const consumersInGroup = useDashboard((state) => {
    const view = state.snapshot?.groups.find((candidate) => candidate.name === group);
    return view === undefined ? 0 : consumerCount(view);
  });
  // Why a removal would be refused, told on the button before it is pressed, as a Claim with no one to claim for is:
  // the refusal came under the card, often below the fold.
  const noPeerWhy = useDashboard((state) => {
    // Figures that stand still may be wrong by now: the server, asked, says for itself.
    if (figuresStale(state)) return null;
    const view = state.snapshot?.groups.find((candidate) => candidate.name === group);
    return view === undefined ? null : removalRefusal(view, name);
  });
  // Which lever was pulled last: only a removal's refusal is about the group's consumers.
  const lastLever = useRef<'remove' | 'other'>('other');
  useAnswerGoesWhenChanged(
    lastLever.current === 'remove' && action.errorCode === 'refused',
    consumersInGroup,
    action.clear,
  );

  // Crash, pause and resume answer for themselves: an error of theirs stays until the next lever. One that finds
  // the consumer gone (removed by another page since the snapshot) says so in its group, as Remove does: the card
  // and its error left at the next snapshot, and focus with them.
  const lever = (label: string, command: Parameters<typeof action.run>[0]) => {
    lastLever.current = 'other';
    return action.run(command, {
      onError: (error) => {
        if (error.code === 'not_found') onRemoved({ name, goneAlready: error.message, lever: label });
      },
    });
  };

  // Removed by another page or a script while focus was on its card, the card left and focus fell to the page's
  // body, unexplained. A layout effect's cleanup runs before React takes the element out, while it still holds
  // focus; the group's note then takes focus and says what happened. Not when it is still listed (cards switched
  // to a table, say).
  const removing = useRef(false);
  const removedElsewhere = useRef(onRemoved);
  removedElsewhere.current = onRemoved;
  useLayoutEffect(() => {
    if (element === null) return;
    return () => {
      const { snapshot } = useDashboard.getState();
      const view = snapshot?.groups.find((candidate) => candidate.name === group);
      // Only a group the snapshot lists whole says a consumer missing from it is gone: past the consumers a
      // snapshot carries, one can drop out of the list (its pending down to 0) and still run.
      const removed =
        view !== undefined &&
        view.consumersOmitted === 0 &&
        findConsumer(snapshot, group, name) === undefined;
      // Its own Remove's answer says more, and may come just after the snapshot without it.
      if (removed && !removing.current && element.contains(document.activeElement))
        removedElsewhere.current({ name, removedWhileFocused: true });
    };
  }, [element, group, name]);

  const remove = () => {
    lastLever.current = 'remove';
    removing.current = true;
    void action
      .run(
        { type: 'consumer.remove', group, name },
        {
          onError: (error) => {
            if (error.code === 'not_found') onRemoved({ name, goneAlready: error.message });
          },
        },
      )
      .then((result) => {
        // Removed here, it stays "removing" for the card's last moments: its answer can come before the snapshot
        // that takes the card away, whose leaving then said "removed elsewhere" over the answer's note.
        if (result === null) removing.current = false;
        else if ('handedOverTo' in result) onRemoved(result);
      });
  };

  const buttons = (
    <>
      <button
        type="button"
        className="small danger"
        aria-label={`Crash next ${CRASH_COUNT} on ${name}`}
        disabled={!hasWorker || closing}
        title={closing ? CLOSING_WHY : hasWorker ? undefined : noWorkerWhy(connected, 'crash')}
        onClick={() =>
          void lever(`Crash next ${CRASH_COUNT}`, { type: 'consumer.crash', group, name, count: CRASH_COUNT })
        }
      >
        Crash next {CRASH_COUNT}
      </button>
      {paused ? (
        <button
          type="button"
          className="small"
          aria-label={`Resume ${name}`}
          disabled={closing}
          title={closing ? CLOSING_WHY : undefined}
          onClick={() => void lever('Resume', { type: 'consumer.resume', group, name })}
        >
          Resume
        </button>
      ) : (
        <button
          type="button"
          className="small"
          aria-label={`Pause ${name}`}
          disabled={!hasWorker || closing}
          title={closing ? CLOSING_WHY : hasWorker ? undefined : noWorkerWhy(connected, 'pause')}
          onClick={() => void lever('Pause', { type: 'consumer.pause', group, name })}
        >
          Pause
        </button>
      )}
      <button
        type="button"
        className="small"
        aria-label={`Remove ${name}`}
        // Another process's worker is that process's to remove; a dead one's entries can be taken over here.
        disabled={closing || (!hasWorker && (connected === true || foreignGroup))}
        // aria-disabled, not disabled: it stays in the tab order, so the reason (its description) is heard.
        aria-disabled={noPeerWhy === null ? undefined : true}
        title={
          closing
            ? CLOSING_WHY
            : hasWorker
              ? (noPeerWhy ?? undefined)
              : connected
                ? 'Its worker runs in another process: remove it there'
                : foreignGroup
                  ? "Another application's consumer: that application removes it"
                  : (noPeerWhy ??
                    'Hand what it holds to a consumer of this group running here, then delete it')
        }
        onClick={() => {
          if (noPeerWhy === null) remove();
        }}
      >
        Remove
      </button>
    </>
  );
  const feedback = (
    // A consumer found gone is told in its group's note (see `onRemoved`), not twice.
    <ActionFeedback error={action.errorCode === 'not_found' ? null : action.error} at={action.answeredAt}>
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

const CLOSING_WHY = 'Its worker here is closing: it finishes the batch in hand, then stops';

/** Why a consumer no worker here runs cannot be crashed or paused from this page. */
function noWorkerWhy(connected: boolean | null, lever: 'crash' | 'pause'): string {
  return connected
    ? `Its worker runs in another process: ${lever} it there`
    : `No worker runs it: nothing reads as it to ${lever}`;
}
