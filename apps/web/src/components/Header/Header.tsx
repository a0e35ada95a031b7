import { PROTOCOL_VERSION } from '@streamscope/protocol';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCommand } from '../../hooks/use-command';
import { formatClock, formatCount, formatCountOf } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { AlertSummary } from '../AlertSummary/AlertSummary';
import { ConnectionStatus } from '../ConnectionStatus/ConnectionStatus';
import './Header.css';

/** How long the reset's answer stays by its button. */
const RESET_SAID_MS = 8_000;

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
  // Kept apart from the command's state, which the reset itself clears (as it clears every form's answer).
  const [resetSaid, setResetSaid] = useState<{ groups: number; consumers: number; at: number } | null>(null);
  useEffect(() => {
    if (resetSaid === null) return;
    const timer = setTimeout(() => setResetSaid(null), RESET_SAID_MS);
    return () => clearTimeout(timer);
  }, [resetSaid]);
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
              const producing = useDashboard.getState().snapshot?.producer.running === true;
              const question = `${producing ? 'Stop the continuous producer, delete' : 'Delete'} ${key}, its dead letters and every consumer group on it, for every process using it, then start again with the seeded groups and consumers?`;
              if (!window.confirm(question)) return;
              // The snapshots after it usually show the stream was made again; this says so even if not.
              // A failed one's error must not sit under the last one's success.
              setResetSaid(null);
              void reset.run({ type: 'reset' }).then((result) => {
                if (result === null) return;
                useDashboard.getState().streamReset();
                setResetSaid({ ...result, at: Date.now() });
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
          {/* Said by the button for a few seconds: the answer in Last result, at the page's foot, went unseen. */}
          <p className="reset-done" role="status">
            {resetSaid !== null ? (
              <>
                Reset at {formatClock(resetSaid.at)}: {formatCountOf(resetSaid.groups, 'group', 'groups')} and{' '}
                {formatCountOf(resetSaid.consumers, 'consumer', 'consumers')} seeded again
              </>
            ) : null}
          </p>
        </div>
      </div>
    </header>
  );
}
