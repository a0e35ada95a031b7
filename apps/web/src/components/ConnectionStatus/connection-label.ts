import type { ConnectionState } from '../../store/store';

/** What the indicator says: `connected`, `connecting…`, `reconnecting…` or `disconnected — reconnecting in 3s`. */
export function connectionLabel(connection: ConnectionState, now: number): string {
  switch (connection.status) {
    case 'open':
      return 'connected';
    case 'connecting':
      return connection.everConnected || connection.failures > 0 ? 'reconnecting…' : 'connecting…';
    case 'waiting': {
      const seconds = Math.max(1, Math.ceil(((connection.retryAt ?? now) - now) / 1000));
      return `disconnected — reconnecting in ${seconds}s`;
    }
  }
}
