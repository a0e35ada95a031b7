import { useShallow } from 'zustand/react/shallow';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { Panel } from '../Panel/Panel';
import { BulkActionButtons } from './BulkActionButtons';
import { DeadLetterExplain } from './DeadLetterExplain';
import { DeadLetterStats } from './DeadLetterStats';
import { DeadLetterTable } from './DeadLetterTable';
import { NO_LETTERS } from './older-pages';
import { ShowOlder } from './ShowOlder';
import { requeueableCount } from './trimmed-away';
import { useBulkActions } from './use-bulk-actions';
import { useLetterActions } from './use-letter-actions';
import { useLetterFeedback } from './use-letter-feedback';
import { useOlderLetters } from './use-older-letters';
import { usePoisonPill } from './use-poison-pill';
import './DeadLetterPanel.css';

/**
 * The dead-letter stream: entries that reached the delivery limit, moved there by the consumer that saw their last
 * delivery, with the levers to send one back to the main stream or drop it for good, and a poison pill to watch one
 * get there.
 */
export function DeadLetterPanel() {
  const { dlq, deadLetterKey, maxDeliveries, total } = useDashboard(
    useShallow((state) => ({
      dlq: state.snapshot?.dlq ?? null,
      deadLetterKey: state.snapshot?.dlq.key ?? state.hello?.deadLetterKey ?? null,
      maxDeliveries: state.hello?.maxDeliveries ?? null,
      total: state.snapshot?.totals.deadLettered ?? null,
    })),
  );
  const newest = dlq?.newest ?? NO_LETTERS;
  const dlqLength = dlq?.length ?? 0;
  const older = useOlderLetters(newest, dlqLength);
  const { letters } = older;
  const { feedback, feedbackAt, line, awaitRow, settleRow, settleBulk } = useLetterFeedback();
  const { busy, onAction } = useLetterActions({
    forget: older.forget,
    olderNow: older.olderNow,
    awaitRow,
    settleRow,
  });
  const requeueable = requeueableCount(letters, dlq?.length ?? null);
  const bulk = useBulkActions({
    newestId: newest[0]?.id,
    deadLetterKey,
    length: dlqLength,
    requeueable,
    setOlder: older.setOlder,
    settleBulk,
  });
  const poison = usePoisonPill();

  return (
    <Panel
      title="Dead letters"
      subtitle={deadLetterKey ?? undefined}
      className="dead-letters"
      actions={
        <>
          <BulkActionButtons
            length={dlqLength}
            requeueable={requeueable}
            busy={bulk.busy}
            onRequeueAll={() => void bulk.requeueAll()}
            onDiscardAll={() => void bulk.discardAll()}
          />
          {poison.button}
        </>
      }
    >
      <DeadLetterExplain maxDeliveries={maxDeliveries} />
      {poison.note}

      {dlq === null ? (
        <p className="empty">Waiting for the first snapshot…</p>
      ) : (
        <>
          <DeadLetterStats length={dlq.length} total={total} maxDeliveries={maxDeliveries} />
          {dlq.unreadable === undefined ? null : (
            <p className="action-feedback action-error" role="alert">
              {dlq.unreadable}
            </p>
          )}
          <div ref={line} tabIndex={-1} className="dlq-feedback">
            <ActionFeedback error={feedback?.error ?? null} at={feedbackAt}>
              {feedback?.done}
            </ActionFeedback>
          </div>
          <DeadLetterTable letters={letters} total={total} busy={busy} onAction={onAction} />
          {dlq.length > letters.length ? (
            <ShowOlder
              shown={letters.length}
              length={dlq.length}
              liveStopped={dlq.omitted !== undefined && older.olderCount === 0}
              liveCount={newest.length}
              stoppedHere={older.stoppedHere}
              loading={older.loading}
              onShowOlder={() => void older.showOlder()}
            />
          ) : null}
          <ActionFeedback error={older.error}>{null}</ActionFeedback>
        </>
      )}
    </Panel>
  );
}
