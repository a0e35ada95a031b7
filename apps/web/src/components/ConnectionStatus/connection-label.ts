import type { ConnectionState } from '../../store/store';

/** What the indicator says, and the countdown to the next attempt shown after it while waiting. */
export interface ConnectionLabel {
  /** `connected`, `connecting…`, `reconnecting…` or `disconnected — reconnecting`. */
  readonly text: string;
  /** ` in 3s`, or `null`: apart from `text`, as only `text` is announced (see ConnectionStatus). */
  readonly countdown: string | null;
}

export function connectionLabel(connection: ConnectionState, now: number): ConnectionLabel {
  switch (connection.status) {
    case 'open':
      return { text: 'connected', countdown: null };
    case 'connecting':
      return {
        text: connection.everConnected || connection.failures > 0 ? 'reconnecting…' : 'connecting…',
        countdown: null,
      };
    case 'waiting': {
      const seconds = Math.max(1, Math.ceil(((connection.retryAt ?? now) - now) / 1000));
      return {
        text:
          connection.refused === null
            ? 'disconnected — reconnecting'
            : `refused: ${connection.refused}; trying again`,
        countdown: ` in ${seconds}s`,
      };
    }
  }
}
