import type { CommandResults, DeadLetterView } from '@streamscope/protocol';
import { memo, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCommand } from '../../hooks/use-command';
import { useOnConnected } from '../../hooks/use-on-connected';
import { isRedisUnavailable, useOnRedisBack } from '../../hooks/use-on-redis-back';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { formatClock, formatClockMs, formatCount } from '../../lib/format';
import { CommandError } from '../../socket/command-error';
import { type IssuedCommand, issueCommand } from '../../socket/socket-client';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { EntryId } from '../EntryId/EntryId';
import { Panel } from '../Panel/Panel';
import { letterPayload } from './letter-payload';
import { letterReason } from './letter-reason';
import { fetchInRequests, olderPagesRefresh } from './older-pages-refresh';
import { groupHadPill, poisonTrimmedUnread } from './poison-fate';
import { requeueAllSummary } from './requeue-all-summary';
import './DeadLetterPanel.css';
import { Stat } from '../Stat/Stat';

const NO_LETTERS: readonly DeadLetterView[] = [];
/** Letters per "Show older" page. */
const OLDER_PAGE = 100;

type LetterAction = 'requeue' | 'discard';
type LetterResult = CommandResults['dlq.requeue'] | CommandResults['dlq.discard'];

interface DeadLetterRowProps {
  letter: DeadLetterView;
  /** Whether a requeue or discard of this row is waiting for its answer. */
  busy: boolean;
  onAction: (letter: DeadLetterView, action: LetterAction) => void;
}

// A dead letter never changes once written; only its busy flag does (`onAction` is stable). Each snapshot
// brings new objects for the same letters, so rows compare by ID.
const DeadLetterRow = memo(
  function DeadLetterRow({ letter, busy, onAction }: DeadLetterRowProps) {
    const type = letter.fields.type ?? '—';
    const trimmedAway = isTrimmedAway(letter);
    // Short enough for the payload's one line; the tooltip says the rest, and what the server cut.
    const payload = letterPayload(letter);
    return (
      <tr aria-busy={busy}>
        <td className="dlq-stacked">
          <EntryId id={letter.originalId} />
          <span className="event-type">{type}</span>
          <span
            className="mono muted dlq-payload"
            title={trimmedAway && !letter.cut ? 'Its fields were trimmed away before it was read' : payload}
          >
            {payload}
          </span>
        </td>
        <td className="mono dlq-stacked">
          <span className="cell-clip dlq-group" title={letter.group}>
            {letter.group}
          </span>
          <span className="muted cell-clip" title={letter.consumer}>
            {letter.consumer}
          </span>
        </td>
        <td className="num">{letter.deliveryCount ?? '—'}</td>
        <td className="dlq-reason" title={letter.reason}>
          <span>{letterReason(letter.reason)}</span>
        </td>
        <td className="mono muted" title={formatClockMs(letter.ts)}>
          {formatClock(letter.ts)}
        </td>
        <td>
          <div className="dlq-actions">
            <button
              type="button"
              className="small"
              // The stream has no per-group delivery: the letter names one group, the copy reaches them all.
              aria-label={`Requeue ${letter.originalId} to the stream, for every group (letter of ${letter.group})`}
              title={
                trimmedAway
                  ? 'Its fields were trimmed away before it was read: nothing to requeue'
                  : 'Appends it to the stream again: every group receives it, and a group that had processed the original acks it as a duplicate'
              }
              disabled={busy || trimmedAway}
              onClick={() => onAction(letter, 'requeue')}
            >
              Requeue
            </button>
            <button
              type="button"
              className="small danger"
              aria-label={`Discard ${letter.originalId} (${letter.group})`}
              disabled={busy}
              onClick={() => onAction(letter, 'discard')}
            >
              Discard
            </button>
          </div>
        </td>
      </tr>
    );
  },
  (before, after) =>
    before.letter.id === after.letter.id && before.busy === after.busy && before.onAction === after.onAction,
);

/** An entry trimmed while pending was dead-lettered without its fields: there is nothing to put back. */
function isTrimmedAway(letter: DeadLetterView): boolean {
  return Object.keys(letter.fields).length === 0;
}

interface RowFeedback {
  error: string | null;
  /** The error said the page was not connected: it goes once the socket is open again. */
  offline?: boolean;
  /** The error said Redis was unavailable: it goes once the server reads Redis again. */
  unavailable?: boolean;
  done: ReactNode;
}

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
  const inject = useCommand<'poison.inject'>();
  // Pages older than the snapshot's newest, loaded on request; the newest stay live.
  const loadOlder = useCommand<'dlq.list'>({ quiet: true });
  const [older, setOlder] = useState<readonly DeadLetterView[]>(NO_LETTERS);
  const dlqLength = dlq?.length ?? 0;
  useEffect(() => {
    if (dlqLength === 0) setOlder(NO_LETTERS);
  }, [dlqLength]);
  // New letters push the oldest of the live list further back than the first loaded page began: the pages
  // are fetched again from there, as many as were shown, one request at a time, so no letter falls between the two.
  const liveOldest = newest.at(-1)?.id;
  const olderCount = useRef(0);
  olderCount.current = older.length;
  const [refresh] = useState(() =>
    olderPagesRefresh<DeadLetterView>({
      loaded: () => olderCount.current,
      fetch: (before, count) =>
        fetchInRequests(
          (from, asked) =>
            issueCommand({ type: 'dlq.list', count: asked, before: from }, { quiet: true }).result,
          before,
          count,
        ),
      apply: setOlder,
    }),
  );
  useEffect(() => {
    refresh.follow(liveOldest);
  }, [liveOldest, refresh]);
  const letters = useMemo(() => {
    if (older.length === 0) return newest;
    const live = new Set(newest.map((letter) => letter.id));
    return [...newest, ...older.filter((letter) => !live.has(letter.id))];
  }, [newest, older]);
  const oldestShown = letters.at(-1)?.id;
  // The last page asked for stopped short of OLDER_PAGE to keep its answer small: after which letter, before which.
  const [stopped, setStopped] = useState<{ after: string; next: string; listed: number } | null>(null);
  const showOlder = async () => {
    if (oldestShown === undefined) return;
    const page = await loadOlder.run({ type: 'dlq.list', count: OLDER_PAGE, before: oldestShown });
    if (!page) return;
    setOlder((current) => [...current, ...page.entries]);
    const last = page.entries.at(-1);
    setStopped(
      page.stoppedBefore === null || last === undefined
        ? null
        : { after: last.id, next: page.stoppedBefore, listed: page.entries.length },
    );
  };
  // Said while that page still ends what is shown; the next page goes on from there whatever the note says (the
  // letters older than the last one shown), so none is skipped or shown twice.
  const stoppedHere = stopped !== null && stopped.after === oldestShown ? stopped : null;
  const [busy, setBusy] = useState<ReadonlySet<string>>(() => new Set());
  const [feedback, setFeedback] = useState<RowFeedback | null>(null);
  const latest = useRef<string | null>(null);
  // The acted-on row leaves the table (and its button was disabled while busy): keyboard focus would fall to
  // the top of the page, so it moves to the line that says what happened.
  const feedbackLine = useRef<HTMLDivElement>(null);
  const [settledCount, setSettledCount] = useState(0);
  useEffect(() => {
    if (settledCount > 0) feedbackLine.current?.focus();
  }, [settledCount]);

  // Row buttons share one feedback line above the table: a requeued or discarded row leaves the table with the
  // next snapshot, so an answer shown in the row itself would vanish before it could be read.
  const onAction = useCallback((letter: DeadLetterView, action: LetterAction) => {
    const { originalId } = letter;
    // The commands take the letter's own ID in the dead-letter stream; people know it by its original ID.
    const { requestId, result }: IssuedCommand<LetterResult> =
      action === 'requeue'
        ? issueCommand({ type: 'dlq.requeue', id: letter.id })
        : issueCommand({ type: 'dlq.discard', id: letter.id });
    latest.current = requestId;
    setBusy((current) => new Set(current).add(letter.id));
    const settle = (next: RowFeedback) => {
      // Gone from the dead-letter stream: the live list drops it with the next snapshot, the loaded pages here.
      if (next.error === null) setOlder((current) => current.filter((row) => row.id !== letter.id));
      setBusy((current) => {
        const rest = new Set(current);
        rest.delete(letter.id);
        return rest;
      });
      if (latest.current === requestId) {
        setFeedback(next);
        setSettledCount((count) => count + 1);
      }
    };
    result.then(
      (answer) =>
        settle({
          error: null,
          done:
            'requeuedAs' in answer ? (
              <>
                Requeued <span className="mono">{originalId}</span> as <EntryId id={answer.requeuedAs} /> to
                every group; those that had processed it ack it as a duplicate
              </>
            ) : answer.discarded ? (
              <>
                Discarded <span className="mono">{originalId}</span> (letter of {letter.group}) for good
              </>
            ) : (
              <>
                <span className="mono">{originalId}</span> was no longer in the dead-letter stream
              </>
            ),
        }),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        settle({
          error: `${action === 'requeue' ? 'Requeue' : 'Discard'} ${originalId}: ${message}`,
          offline: error instanceof CommandError && error.code === 'offline',
          unavailable: isRedisUnavailable(message),
          done: null,
        });
      },
    );
  }, []);
  // Hundreds of letters (a poison storm) were hundreds of Discard clicks: one XTRIM takes all the page has
  // seen, up to the newest letter shown, and leaves any written since. Once the bug behind them is fixed,
  // "Requeue all" puts them back the same way. One runs at a time: both act on the same letters.
  const [bulkBusy, setBulkBusy] = useState(false);
  const newestId = newest[0]?.id;
  const runBulk = async (
    label: 'Discard all' | 'Requeue all',
    question: string,
    act: (through: string) => Promise<ReactNode>,
  ) => {
    if (newestId === undefined || deadLetterKey === null) return;
    if (!window.confirm(question)) return;
    setBulkBusy(true);
    let next: RowFeedback;
    try {
      next = { error: null, done: await act(newestId) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      next = {
        error: `${label}: ${message}`,
        offline: error instanceof CommandError && error.code === 'offline',
        unavailable: isRedisUnavailable(message),
        done: null,
      };
    }
    setBulkBusy(false);
    latest.current = null;
    setFeedback(next);
    setSettledCount((count) => count + 1);
  };
  const onPurge = () =>
    runBulk(
      'Discard all',
      `Discard all ${formatCount(dlqLength)} dead letters in ${deadLetterKey}, up to the newest shown? They cannot be brought back; letters written after it stay.`,
      async (through) => {
        const { discarded } = await issueCommand({ type: 'dlq.purge', through }).result;
        setOlder(NO_LETTERS);
        return (
          <>
            Discarded <strong>{formatCount(discarded)}</strong> dead letter{discarded === 1 ? '' : 's'} for
            good
          </>
        );
      },
    );
  const onRequeueAll = () =>
    runBulk(
      'Requeue all',
      [
        requeueable === null
          ? `Requeue the ${formatCount(dlqLength)} dead letters in ${deadLetterKey}, up to the newest shown, to the stream?`
          : `Requeue ${formatCount(requeueable)} of the ${formatCount(dlqLength)} dead letters in ${deadLetterKey} to the stream?`,
        'Every group receives each one again; a group that had processed it acks it as a duplicate.',
        'Letters trimmed away before they were read have nothing to requeue, and stay. So do those the stream has no room for beside what its groups have yet to read (none is trimmed unread), and letters written from now on.',
      ].join('\n\n'),
      async (through) => {
        const answer = await issueCommand({ type: 'dlq.requeue-all', through }).result;
        // Of the loaded pages only the skipped stay; when the answer does not name them all, or letters were
        // left unread (`more`, or no room in the stream), which went is not known, and the pages go.
        const kept = new Set(answer.skippedLetters.map((letter) => letter.id));
        const known = !answer.more && answer.stoppedForRoom === null && answer.skipped === kept.size;
        setOlder((current) => (known ? current.filter((letter) => kept.has(letter.id)) : NO_LETTERS));
        return requeueAllSummary(answer);
      },
    );
  useOnStreamReset(useCallback(() => setFeedback(null), []));
  // How many of the letters could go back, when the page has them all (null when some are not loaded): letters
  // trimmed away have no fields to requeue, and "Requeue all" of only those promised what it then did not do.
  const requeueable =
    dlq !== null && letters.length >= dlq.length
      ? letters.filter((letter) => !isTrimmedAway(letter)).length
      : null;
  useOnConnected(useCallback(() => setFeedback((current) => (current?.offline ? null : current)), []));
  useOnRedisBack(useCallback(() => setFeedback((current) => (current?.unavailable ? null : current)), []));

  const injected = inject.result?.ids[0] ?? null;
  // Latched: once a group has had the pill it is no longer lost, however far the events about it scroll away.
  const [pillHadBy, setPillHadBy] = useState<string | null>(null);
  const hadNow = useDashboard((state) => injected !== null && groupHadPill(injected, state.troubleFeed));
  if (hadNow && injected !== null && pillHadBy !== injected) setPillHadBy(injected);
  const injectedLost = useDashboard(
    (state) =>
      injected !== null &&
      state.snapshot !== null &&
      poisonTrimmedUnread(injected, state.snapshot.stream.firstEntryId, hadNow || pillHadBy === injected),
  );

  return (
    <Panel
      title="Dead letters"
      subtitle={deadLetterKey ?? undefined}
      className="dead-letters"
      actions={
        <>
          <button
            type="button"
            className="small"
            aria-label="Requeue all dead letters"
            title={
              requeueable === 0 && dlqLength > 0
                ? 'Every letter here was trimmed away before it was read: nothing to requeue'
                : 'Appends every letter up to the newest shown to the stream again, as fast as the stream has room beside what its groups have yet to read; those with nothing to requeue stay'
            }
            disabled={dlqLength === 0 || requeueable === 0 || bulkBusy}
            onClick={() => void onRequeueAll()}
          >
            Requeue all
          </button>
          <button
            type="button"
            className="small danger"
            aria-label="Discard all dead letters"
            disabled={dlqLength === 0 || bulkBusy}
            onClick={() => void onPurge()}
          >
            Discard all
          </button>
          <button
            type="button"
            className="small danger"
            onClick={() => void inject.run({ type: 'poison.inject', count: 1 })}
          >
            Inject poison pill
          </button>
        </>
      }
    >
      <p className="dlq-explain">
        An entry that reaches{' '}
        {maxDeliveries === null ? (
          'the delivery limit'
        ) : (
          <strong>
            {maxDeliveries} deliver{maxDeliveries === 1 ? 'y' : 'ies'}
          </strong>
        )}{' '}
        without an ack is moved here atomically (added here and acked in one step), so it is never both
        pending and dead; the other entries keep flowing. One trimmed from the stream while still pending
        lands here too, as <em>trimmed</em>, with nothing left to requeue.
      </p>
      <ActionFeedback error={inject.error}>
        {injected === null ? null : (
          <>
            Injected <EntryId id={injected} />:{' '}
            {injectedLost
              ? 'trimmed from the stream before any group read it, so it will never be delivered nor land here.'
              : 'its handler always fails, so each claim (Auto-reap, or XAUTOCLAIM) redelivers it until it lands here.'}
          </>
        )}
      </ActionFeedback>

      {dlq === null ? (
        <p className="empty">Waiting for the first snapshot…</p>
      ) : (
        <>
          <dl className="stats dlq-stats">
            <Stat label="Length" tone={dlq.length > 0 ? 'has-dead' : undefined}>
              {formatCount(dlq.length)}
            </Stat>
            <Stat label="Dead-lettered">{total === null ? '—' : formatCount(total)}</Stat>
            <Stat label="Max deliveries">{maxDeliveries ?? '—'}</Stat>
          </dl>
          <div ref={feedbackLine} tabIndex={-1} className="dlq-feedback">
            <ActionFeedback error={feedback?.error ?? null}>{feedback?.done}</ActionFeedback>
          </div>
          {letters.length === 0 ? (
            <p className="empty">
              {total !== null && total > 0
                ? 'The dead-letter stream is empty: every letter written since this server started was requeued or discarded.'
                : // The total is this server's since it started: the stream may have held letters before (a
                  // restart with --no-reset, then Discard all), so it says nothing of what was acked.
                  'No dead letters.'}
            </p>
          ) : (
            <div className="table-wrap dlq-table">
              <table className="data-table">
                <caption className="sr-only">Dead letters, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Original ID / type</th>
                    <th scope="col">Group / consumer</th>
                    <th scope="col" className="num">
                      Deliveries
                    </th>
                    <th scope="col">Reason</th>
                    <th scope="col">Time</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {letters.map((letter) => (
                    <DeadLetterRow
                      key={letter.id}
                      letter={letter}
                      busy={busy.has(letter.id)}
                      onAction={onAction}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {dlq.length > letters.length ? (
            <div className="dlq-more">
              <span className="muted">
                Showing the newest {formatCount(letters.length)} of {formatCount(dlq.length)}.
                {dlq.omitted === undefined || older.length > 0 ? null : (
                  <>
                    {' '}
                    The live list stops at {formatCount(newest.length)}: the next letters are large, and a
                    snapshot reads about 1 MB of letters and sends about 256 KB.
                  </>
                )}
                {stoppedHere === null ? null : (
                  <>
                    {' '}
                    The last page stopped at {formatCount(stoppedHere.listed)} of {OLDER_PAGE} letters, at
                    about 4 MB of letter data.
                  </>
                )}
              </span>
              <button
                type="button"
                className="small"
                disabled={loadOlder.pending}
                onClick={() => void showOlder()}
              >
                {stoppedHere === null ? (
                  `Show ${OLDER_PAGE} older`
                ) : (
                  <>
                    Show on from <span className="mono">{stoppedHere.next}</span>
                  </>
                )}
              </button>
            </div>
          ) : null}
          <ActionFeedback error={loadOlder.error}>{null}</ActionFeedback>
        </>
      )}
    </Panel>
  );
}
