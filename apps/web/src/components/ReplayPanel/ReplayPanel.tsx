import { LIMITS } from '@streamscope/protocol';
import { type FormEvent, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { NumberField } from '../NumberField/NumberField';
import { Panel } from '../Panel/Panel';
import { EntryTable } from '../TailPanel/EntryTable';
import { TextField } from '../TextField/TextField';
import './ReplayPanel.css';

/** XRANGE over any range: history that no consumer group's cursor can change. */
export function ReplayPanel() {
  const [start, setStart] = useState('-');
  const [end, setEnd] = useState('+');
  const [limit, setLimit] = useState('50');
  const replay = useCommand<'replay'>();
  const [range, setRange] = useState({ start: '-', end: '+' });

  const run = (next: { start: string; end: string }) => {
    setRange(next);
    void replay.run({ type: 'replay', ...next, count: parseNumberInput(limit) });
  };
  const onReplay = (event: FormEvent) => {
    event.preventDefault();
    run({ start: start.trim(), end: end.trim() });
  };
  // The next part of a replay cut short by its size: from the first entry it left out, to the same end.
  const onContinue = (from: string) => {
    setStart(from);
    run({ start: from, end: range.end });
  };

  return (
    <Panel title="Replay" subtitle="XRANGE">
      <form onSubmit={onReplay} onInvalid={replay.refuse} aria-busy={replay.pending}>
        <div className="form-row">
          <TextField label="Start" inputClassName="id-input" value={start} onChange={setStart} />
          <TextField label="End" inputClassName="id-input" value={end} onChange={setEnd} />
          <NumberField label="Limit" min={1} max={LIMITS.replayMax} value={limit} onChange={setLimit} />
          <button type="submit" className="primary">
            Replay
          </button>
          <span className="row-note replay-hint">
            <span className="mono">-</span> / <span className="mono">+</span> are the ends of the stream,{' '}
            <span className="mono">(</span> before an ID excludes it
          </span>
        </div>
        <ActionFeedback error={replay.error}>
          {replay.result === null ? null : (
            <>
              <strong>{formatCount(replay.result.entries.length)}</strong> entries from{' '}
              <span className="mono">{range.start}</span> to <span className="mono">{range.end}</span>
              {replay.result.stoppedBefore === null ? null : (
                <StoppedShort from={replay.result.stoppedBefore} onContinue={onContinue} />
              )}
            </>
          )}
        </ActionFeedback>
      </form>
      {replay.result === null ? (
        <p className="empty">
          Replayed entries show here. XRANGE only reads: no group's cursor or pending entries change.
        </p>
      ) : (
        <div className="replay-results">
          <EntryTable
            entries={replay.result.entries}
            caption="Replayed entries"
            emptyText="No entries in that range."
          />
        </div>
      )}
    </Panel>
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
