import { useNow } from '../../hooks/use-now';
import { reconnectNow } from '../../socket/socket-client';
import { useDashboard } from '../../store/store';
import { connectionLabel } from './connection-label';
import './ConnectionStatus.css';

export function ConnectionStatus() {
  const connection = useDashboard((state) => state.connection);
  const now = useNow(connection.status === 'waiting' ? 250 : null);
  const { text, countdown } = connectionLabel(connection, now);
  return (
    <div className="connection">
      <div className={`connection-status is-${connection.status}`} role="status">
        <span className="connection-dot" aria-hidden="true" />
        {text}
        {/* Shown, not announced: a status region read every change aloud, the countdown once a second. */}
        {countdown === null ? null : <span aria-hidden="true">{countdown}</span>}
      </div>
      {connection.status === 'waiting' ? (
        <button type="button" className="small" onClick={reconnectNow}>
          Reconnect now
        </button>
      ) : null}
    </div>
  );
}
