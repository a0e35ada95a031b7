import { formatClock } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { Panel } from '../Panel/Panel';
import './LastResultPanel.css';

/** Long results (a replay, a history) are cut: the panel is for a glance, the forms show the details. */
const MAX_CHARS = 3_000;

function preview(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  return text.length > MAX_CHARS
    ? `${text.slice(0, MAX_CHARS)}\n… (${text.length - MAX_CHARS} more characters)`
    : text;
}

/** The last answer to any command this page sent: its result, or its error. */
export function LastResultPanel() {
  const lastResult = useDashboard((state) => state.lastResult);
  return (
    <Panel title="Last result" className="last-result">
      {lastResult === null ? (
        <p className="empty">No command sent yet.</p>
      ) : (
        <div aria-live="polite">
          <div className="last-result-head">
            <span className="mono last-result-command">{lastResult.command}</span>
            {lastResult.outcome.ok ? (
              <span className="badge badge-ok">ok</span>
            ) : (
              <span className="badge badge-danger">{lastResult.outcome.code}</span>
            )}
            <span className="muted last-result-time">{formatClock(lastResult.at)}</span>
          </div>
          {lastResult.outcome.ok ? (
            <pre className="last-result-body">{preview(lastResult.outcome.result)}</pre>
          ) : (
            <p className="last-result-error">{lastResult.outcome.message}</p>
          )}
          {lastResult.requestId === null ? null : (
            <p className="last-result-id">
              request <span className="mono">{lastResult.requestId}</span>
            </p>
          )}
        </div>
      )}
    </Panel>
  );
}
