import type { AlertView } from '@streamscope/protocol';
import { formatCount, formatCountOf, formatDuration } from './format';

const DAY_MS = 86_400_000;

/** The snapshot's alerts by subject: a group's name, or `group/consumer`. */
export type AlertIndex = ReadonlyMap<string, readonly AlertView[]>;

/** One shared empty list, so a memoised card without alerts gets the same prop every snapshot. */
export const NO_ALERTS: readonly AlertView[] = [];

const METRIC_LABEL: Record<AlertView['metric'], string> = {
  lag: 'lag',
  pending: 'pending',
  oldestPendingMs: 'oldest pending',
  consumerIdleMs: 'idle',
  trimmedUnread: 'trimmed unread',
  deadLettered: 'dead-lettered',
  cursorAhead: 'last delivered ID ahead',
  guardMarksLost: 'guard marks lost',
};

/** Indexes alerts by subject, once per snapshot, so every group and consumer looks its own up in O(1). */
export function indexAlerts(alerts: readonly AlertView[]): AlertIndex {
  const index = new Map<string, AlertView[]>();
  for (const alert of alerts) {
    const list = index.get(alert.subject);
    if (list === undefined) index.set(alert.subject, [alert]);
    else list.push(alert);
  }
  return index;
}

/** A group's alerts, or with `consumer` that consumer's; group and consumer names cannot contain `/`. */
export function alertsFor(index: AlertIndex, group: string, consumer?: string): readonly AlertView[] {
  return index.get(consumer === undefined ? group : `${group}/${consumer}`) ?? NO_ALERTS;
}

function formatFigure(metric: AlertView['metric'], value: number): string {
  return metric === 'oldestPendingMs' || metric === 'consumerIdleMs'
    ? formatDuration(value)
    : formatCount(value);
}

/**
 * The badge text: `lag over 1,000`, `oldest pending over 30.0 s`; a loss has no threshold to speak of:
 * `1,234 lost to trimming`.
 */
export function alertLabel(alert: AlertView): string {
  if (alert.metric === 'trimmedUnread') return `${formatCount(alert.value)} lost to trimming`;
  if (alert.metric === 'deadLettered') return `${formatCount(alert.value)} dead-lettered`;
  if (alert.metric === 'cursorAhead') return 'cursor ahead of the stream: reads nothing new';
  if (alert.metric === 'guardMarksLost') return 'duplicate guard not recording';
  const label = `${METRIC_LABEL[alert.metric]} over ${formatFigure(alert.metric, alert.threshold)}`;
  // Only a consumer holding pending entries is alerted on (one idle with nothing to do is not stuck): a bare
  // "idle over 1 m" beside peers idle as long with no badge read as arbitrary.
  return alert.metric === 'consumerIdleMs' ? `${label} with work waiting` : label;
}

/** The badge's tooltip, with the figure itself: `lag is 1,234, over the alert threshold of 1,000`. */
export function alertDetail(alert: AlertView): string {
  if (alert.metric === 'trimmedUnread') {
    return `${formatCount(alert.value)} entries were trimmed before this group read them: it will never see them`;
  }
  if (alert.metric === 'deadLettered') {
    return `${formatCountOf(alert.value, 'entry', 'entries')} of this group went to the dead-letter stream since the server started, the latest within the last minute: see Dead letters`;
  }
  if (alert.metric === 'cursorAhead') {
    const ahead =
      alert.value >= 2 * DAY_MS
        ? `${formatCount(Math.floor(alert.value / DAY_MS))} days`
        : formatDuration(alert.value);
    return `Its last delivered ID is ${ahead} past the stream's last ID: entries appended now get lower IDs, and it will not read them until the IDs pass it (XGROUP SETID moves it back)`;
  }
  if (alert.metric === 'guardMarksLost') {
    return `Redis refused the once-per-ID guard's marks of ${formatCountOf(alert.value, 'batch', 'batches')} of handled entries (out of memory, or away): should those entries come again (a requeued copy, the group moved back) they are handled again, not caught as duplicates. Clears when marks land again; the server's log says when`;
  }
  const holding = alert.metric === 'consumerIdleMs' ? ' while it holds pending entries' : '';
  return `${METRIC_LABEL[alert.metric]} is ${formatFigure(alert.metric, alert.value)}${holding}, over the alert threshold of ${formatFigure(alert.metric, alert.threshold)}`;
}

/** Whether `metric` is among `alerts`, to colour the figure it is about. */
export function hasAlert(alerts: readonly AlertView[], metric: AlertView['metric']): boolean {
  return alerts.some((alert) => alert.metric === metric);
}
