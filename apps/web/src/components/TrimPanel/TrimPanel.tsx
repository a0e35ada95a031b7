import { type FormEvent, useId, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { Panel } from '../Panel/Panel';
import './TrimPanel.css';

/** XTRIM by length or by age. Approximate (`~`) by default: Redis then frees only whole macro-nodes. */
export function TrimPanel() {
  const ids = { maxlen: useId(), age: useId() };
  const [maxlen, setMaxlen] = useState('100');
  const [olderThanMs, setOlderThanMs] = useState('60000');
  const [exact, setExact] = useState(false);
  const byLength = useCommand<'trim.maxlen'>();
  const byAge = useCommand<'trim.minid'>();
  const operator = exact ? '=' : '~';

  const onTrimLength = (event: FormEvent) => {
    event.preventDefault();
    void byLength.run({ type: 'trim.maxlen', maxlen: parseNumberInput(maxlen), approx: !exact });
  };
  const onTrimAge = (event: FormEvent) => {
    event.preventDefault();
    void byAge.run({ type: 'trim.minid', olderThanMs: parseNumberInput(olderThanMs), approx: !exact });
  };

  return (
    <Panel title="Retention" subtitle="XTRIM">
      <form onSubmit={onTrimLength} aria-busy={byLength.pending}>
        <div className="form-row">
          <div className="field">
            <label htmlFor={ids.maxlen}>MAXLEN {operator}</label>
            <input
              id={ids.maxlen}
              type="number"
              min={0}
              step={1}
              value={maxlen}
              onChange={(event) => setMaxlen(event.target.value)}
            />
          </div>
          <button type="submit">XTRIM</button>
        </div>
        <ActionFeedback error={byLength.error}>
          {byLength.result === null ? null : (
            <>
              Deleted <strong>{formatCount(byLength.result.deleted)}</strong>, length now{' '}
              <strong>{formatCount(byLength.result.length)}</strong>
            </>
          )}
        </ActionFeedback>
      </form>

      <form className="trim-age" onSubmit={onTrimAge} aria-busy={byAge.pending}>
        <div className="form-row">
          <div className="field">
            <label htmlFor={ids.age}>Older than (ms)</label>
            <input
              id={ids.age}
              type="number"
              min={0}
              step={1000}
              value={olderThanMs}
              onChange={(event) => setOlderThanMs(event.target.value)}
            />
          </div>
          <button type="submit">Trim by age</button>
        </div>
        <ActionFeedback error={byAge.error}>
          {byAge.result === null ? null : (
            <>
              Deleted <strong>{formatCount(byAge.result.deleted)}</strong> below MINID{' '}
              <span className="mono">{byAge.result.minId}</span>, length now{' '}
              <strong>{formatCount(byAge.result.length)}</strong>
            </>
          )}
        </ActionFeedback>
      </form>

      <label className="checkbox trim-exact">
        <input type="checkbox" checked={exact} onChange={(event) => setExact(event.target.checked)} />
        Exact trim (no <span className="mono">~</span>)
      </label>
      <p className="trim-note">
        With <span className="mono">~</span> Redis frees only whole macro-nodes, so a small stream may not
        shrink.
      </p>
    </Panel>
  );
}
