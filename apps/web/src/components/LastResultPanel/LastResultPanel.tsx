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
        // Not a live region: the form that sent the command says how it went, where the user acted, and this
        // panel read out the whole answer after it, a replay's or a timeline's JSON included, at every command.
        <div>
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
            // A named region in the tab order: an answer taller than its box scrolls, and without a focus stop
            // a keyboard could not scroll it (the ARIA practice for a scrollable region).
            // biome-ignore lint/a11y/noNoninteractiveTabindex: focus is how a keyboard scrolls it, see above
            <section className="last-result-body" aria-label="Answer as JSON" tabIndex={0}>
              <pre>{preview(lastResult.outcome.result)}</pre>
            </section>
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
