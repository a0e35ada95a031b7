import type { AlertView, Snapshot } from '@streamscope/protocol';
import { alertDetail, alertLabel } from './alerts';
import { formatCount, formatDuration } from './format';

/** One line of the header's list of alerts: whose, what, and the group whose panel shows it. */
export interface AlertLine {
  key: string;
  group: string;
  subject: string;
  label: string;
  detail: string;
}

/**
 * The snapshot's alerts as lines naming their subject (`analytics: lag over 1,000`,
 * `notifications/worker-a: idle over 30 s`), in the snapshot's order: group by group as the page shows them.
 * A consumer's alert belongs to the group before its `/` (neither name can hold one).
 */
export function alertLines(alerts: readonly AlertView[]): AlertLine[] {
  return alerts.map((alert) => {
    const slash = alert.subject.indexOf('/');
    return {
      key: `${alert.subject}\n${alert.metric}`,
      group: slash === -1 ? alert.subject : alert.subject.slice(0, slash),
      subject: alert.subject,
      label: alertLabel(alert),
      detail: alertDetail(alert),
    };
  });
}

/** `1 alert`, `3 alerts`. */
export function alertCountLabel(count: number): string {
  return `${count} alert${count === 1 ? '' : 's'}`;
}

/**
 * What "No alerts" means, with the thresholds the server judges by (its `--alert-*` flags). Losses to trimming
 * and dead letters alert for a minute after their count last grew: "or entries trimmed unread" was read against
 * a group panel's standing count of thousands.
 */
export function clearDetail(thresholds: Snapshot['thresholds']): string {
  return (
    `No group has lag over ${formatCount(thresholds.lag)}, pending over ${formatCount(thresholds.pending)} ` +
    `or an oldest pending entry over ${formatDuration(thresholds.oldestPendingMs)}; none lost an entry to ` +
    `trimming or dead-lettered one in the last minute, has a cursor past the stream’s last entry, or a ` +
    `duplicate guard Redis refuses to record; and no ` +
    `consumer with work waiting has been idle over ${formatDuration(thresholds.consumerIdleMs)}`
  );
}
