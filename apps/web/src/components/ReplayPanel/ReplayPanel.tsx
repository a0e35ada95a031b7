import { type CommandResults, LIMITS } from '@streamscope/protocol';
import { type FormEvent, useCallback, useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { formatCount } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { compareStreamIds } from '../../lib/stream-ids';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { NumberField } from '../NumberField/NumberField';
import { Panel } from '../Panel/Panel';
import { EntryTable } from '../TailPanel/EntryTable';
import { TextField } from '../TextField/TextField';
import { nextPageStart, rangeReversed, replayRange } from './replay-range';
import './ReplayPanel.css';

/** XRANGE over any range: history that no consumer group's cursor can change. */
export function ReplayPanel() {
  const [start, setStart] = useState('-');
  const [end, setEnd] = useState('+');
  const [limit, setLimit] = useState('50');
  const replay = useCommand<'replay'>();
  // The last replay that succeeded stays in the table under a later one's error: a bad Start or Limit says what was
  // wrong beside the form and changes nothing else, as anywhere on the page (it emptied the table).
  const [shown, setShown] = useState<Replayed | null>(null);
  useOnStreamReset(useCallback(() => setShown(null), []));

  // Only the answer to the replay asked last is shown: an earlier one answering after it must not replace it.
  const asked = useRef(0);
  const run = async (range: Replayed['range']) => {
    const attempt = ++asked.current;
    const count = parseNumberInput(limit);
    const result = await replay.run({ type: 'replay', ...range, count });
    if (result !== null && attempt === asked.current) setShown({ result, range, count });
  };
  const onReplay = (event: FormEvent) => {
    event.preventDefault();
    void run(replayRange(start, end));
  };
  // The next part of a replay, to the same end: from the first entry it left out when cut short by its size, or
  // from after the last one shown when it filled its limit (a next page).
  const onContinue = (from: string) => {
    setStart(from);
    if (shown !== null) void run({ start: from, end: shown.range.end });
  };
  const nextPage = shown === null ? null : nextPageStart(shown.result.entries, shown.count);

  return (
    <Panel title="Replay" subtitle="XRANGE">
      <form onSubmit={onReplay} onInvalid={replay.refuse} aria-busy={replay.pending}>
        <div className="form-row">
          <TextField
            label="Start"
            inputClassName="id-input"
            value={start}
            onChange={setStart}
            validity={replay.field('start')}
          />
          <TextField
            label="End"
            inputClassName="id-input"
            value={end}
            onChange={setEnd}
            validity={replay.field('end')}
          />
          <NumberField
            label="Limit"
            min={1}
            max={LIMITS.replayMax}
            value={limit}
            onChange={setLimit}
            validity={replay.field('count')}
          />
          <button type="submit" className="primary">
            Replay
          </button>
          <span className="row-note replay-hint">
            <span className="mono">-</span> / <span className="mono">+</span> (or blank) are the ends of the
            stream, <span className="mono">(</span> before an ID excludes it
          </span>
        </div>
        <ActionFeedback error={replay.error} at={replay.answeredAt} errorId={replay.errorId}>
          {replay.result === null || shown === null ? null : (
            <>
              <ReplayedRange replayed={shown} />
              {shown.result.stoppedBefore === null ? null : (
                <StoppedShort from={shown.result.stoppedBefore} onContinue={onContinue} />
              )}
            </>
          )}
        </ActionFeedback>
      </form>
      {shown === null ? (
        <p className="empty">
          Replayed entries show here. XRANGE only reads: no group's cursor or pending entries change.
        </p>
      ) : (
        <div className="replay-results">
          {replay.result === null ? (
            // The answer under the form is another attempt's (an error, or one on its way): say what this is.
            <p className="muted replay-earlier">
              Still showing the earlier replay: <ReplayedRange replayed={shown} />
            </p>
          ) : null}
          <TrimmedSince entries={shown.result.entries} />
          <EntryTable
            entries={shown.result.entries}
            caption={`Replayed entries from ${shown.range.start} to ${shown.range.end}`}
            emptyText={
              rangeReversed(shown.range)
                ? `No entries: Start (${shown.range.start}) is after End (${shown.range.end}), and XRANGE reads forward from Start to End.`
                : 'No entries in that range.'
            }
          />
          {nextPage === null ? null : (
            <NextPage limit={shown.count} from={nextPage} onContinue={onContinue} />
          )}
        </div>
      )}
    </Panel>
  );
}

interface Replayed {
  readonly result: CommandResults['replay'];
  readonly range: { readonly start: string; readonly end: string };
  /** Its limit: a replay that gave as many may have more after it. */
  readonly count: number;
}

/** How many entries a replay gave, and of which range: said of the answer, and of the table under a later error. */
function ReplayedRange({ replayed: { result, range } }: { replayed: Replayed }) {
  return (
    <>
      <strong>{formatCount(result.entries.length)}</strong>{' '}
      {result.entries.length === 1 ? 'entry' : 'entries'} from <span className="mono">{range.start}</span> to{' '}
      <span className="mono">{range.end}</span>
    </>
  );
}

/**
 * How many of the replayed entries the stream has lost since, to a trim or a reset: its first entry is now past
 * them. The table went on listing them as if they were there.
 */
function TrimmedSince({ entries }: { entries: CommandResults['replay']['entries'] }) {
  const first = useDashboard((state) =>
    state.snapshot === null ? undefined : state.snapshot.stream.firstEntryId,
  );
  if (first === undefined || entries.length === 0) return null;
  const gone =
    first === null ? entries.length : entries.filter((entry) => compareStreamIds(entry.id, first) < 0).length;
  if (gone === 0) return null;
  return (
    <p className="muted replay-trimmed">
      {gone === entries.length
        ? 'None of these entries is'
        : gone === 1
          ? '1 of these entries is no longer'
          : `${formatCount(gone)} of these entries are no longer`}{' '}
      in the stream: trimmed (or the stream reset) since
      {first === null ? (
        ', or the stream emptied'
      ) : (
        <>
          , it now begins at <span className="mono">{first}</span>
        </>
      )}
      . Replay again to see it as it is.
    </p>
  );
}

/** A replay that stopped short of its limit to keep its answer small, and the way on from there. */
function StoppedShort({ from, onContinue }: { from: string; onContinue: (from: string) => void }) {
  return (
    <>
      , stopped short at about 4 MB of entry data.{' '}
      <button type="button" className="small" onClick={() => onContinue(from)}>
        Replay on from <span className="mono">{from}</span>
      </button>
    </>
  );
}

/**
 * Under a replay that filled its limit, the way to its next page: from just after the last entry it gave. Under the
 * table, which stays while the next page is asked for, so the button keeps focus from page to page.
 */
function NextPage({
  limit,
  from,
  onContinue,
}: {
  limit: number;
  from: string;
  onContinue: (from: string) => void;
}) {
  return (
    <p className="replay-more">
      Stopped at its limit of {formatCount(limit)} entries: more may follow.{' '}
      <button
        type="button"
        className="small"
        title={`Replay from just after the last entry shown (${from}), to the same end`}
        onClick={() => onContinue(from)}
      >
        Next page
      </button>
    </p>
  );
}
