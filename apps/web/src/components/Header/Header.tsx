import { PROTOCOL_VERSION } from '@streamscope/protocol';
import { useShallow } from 'zustand/react/shallow';
import { useCommand } from '../../hooks/use-command';
import { formatClock, formatCount } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { AlertSummary } from '../AlertSummary/AlertSummary';
import { ConnectionStatus } from '../ConnectionStatus/ConnectionStatus';
import './Header.css';

export function Header() {
  const { hello, serverVersion, maxlen, health, unreadable } = useDashboard(
    useShallow((state) => ({
      hello: state.hello,
      serverVersion: state.serverVersion,
      maxlen: state.snapshot?.maxlen ?? state.hello?.maxlen ?? null,
      health: state.health,
      unreadable: state.unreadableSnapshots,
    })),
  );
  const reset = useCommand<'reset'>();
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Streamscope</h1>
        <span className="tagline">Redis Streams, live</span>
      </div>
      {hello === null ? null : (
        <dl className="header-facts">
          <div>
            <dt>Stream</dt>
            <dd className="mono">{hello.streamKey}</dd>
          </div>
          <div>
            <dt>XADD cap</dt>
            <dd className="mono">{maxlen === null ? 'none' : `MAXLEN ~ ${formatCount(maxlen)}`}</dd>
          </div>
          <div>
            <dt>Claim idle</dt>
            <dd className="mono">{formatCount(hello.claimMinIdleMs)} ms</dd>
          </div>
        </dl>
      )}
      {serverVersion !== null && serverVersion !== PROTOCOL_VERSION ? (
        <p className="version-warning" role="alert">
          Server speaks protocol v{serverVersion}, this page v{PROTOCOL_VERSION}: reload the page.
        </p>
      ) : null}
      {unreadable !== null ? (
        <p className="health-warning" role="alert">
          Figures frozen since {formatClock(unreadable.since)}: the server's snapshots fail this page's checks
          ({unreadable.issue}).
        </p>
      ) : null}
      {health?.failingSince != null ? (
        <p className="health-warning" role="alert">
          Figures frozen since {formatClock(health.failingSince)}: {health.reason}
        </p>
      ) : null}
      <div className="header-actions">
        <AlertSummary />
        <ConnectionStatus />
        <div className="reset">
          <button
            type="button"
            className="danger"
            onClick={() => {
              // The stream may be one the user cares about (--no-reset on a real key): say what goes.
              const key = hello?.streamKey ?? 'the stream';
              const question = `Delete ${key}, its dead letters and every consumer group on it, for every process using it, then start again with the seeded groups and consumers?`;
              if (!window.confirm(question)) return;
              // The snapshots after it usually show the stream was made again; this says so even if not.
              void reset.run({ type: 'reset' }).then((result) => {
                if (result !== null) useDashboard.getState().streamReset();
              });
            }}
            aria-describedby={reset.error === null ? undefined : 'reset-error'}
          >
            Reset demo
          </button>
          {reset.error === null ? null : (
            <p id="reset-error" className="reset-error" role="alert">
              {reset.error}
            </p>
          )}
        </div>
      </div>
    </header>
  );
}
