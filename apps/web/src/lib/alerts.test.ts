import type { AlertView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { alertDetail, alertLabel, alertsFor, hasAlert, indexAlerts, NO_ALERTS } from './alerts';

const alert = (
  metric: AlertView['metric'],
  subject: string,
  value: number,
  threshold: number,
): AlertView => ({
  metric,
  subject,
  value,
  threshold,
});

describe('alerts', () => {
  const index = indexAlerts([
    alert('lag', 'notifications', 1_234, 1_000),
    alert('pending', 'notifications', 600, 500),
    alert('consumerIdleMs', 'notifications/worker-a', 75_000, 60_000),
  ]);

  it('finds a group’s alerts and a consumer’s apart', () => {
    expect(alertsFor(index, 'notifications').map((a) => a.metric)).toEqual(['lag', 'pending']);
    expect(alertsFor(index, 'notifications', 'worker-a').map((a) => a.metric)).toEqual(['consumerIdleMs']);
    expect(alertsFor(index, 'analytics')).toBe(NO_ALERTS);
    expect(alertsFor(index, 'notifications', 'worker-b')).toBe(NO_ALERTS);
    expect(hasAlert(alertsFor(index, 'notifications'), 'lag')).toBe(true);
    expect(hasAlert(alertsFor(index, 'notifications'), 'oldestPendingMs')).toBe(false);
  });

  it('says what is over which threshold, counts as counts and ages as durations', () => {
    expect(alertLabel(alert('lag', 'g', 1_234, 1_000))).toBe('lag over 1,000');
    expect(alertLabel(alert('oldestPendingMs', 'g', 45_000, 30_000))).toBe('oldest pending over 30 s');
    expect(alertLabel(alert('consumerIdleMs', 'g/c', 75_000, 60_000))).toBe(
      'idle over 1 m 00 s with work waiting',
    );
    expect(alertLabel(alert('trimmedUnread', 'g', 4_290, 0))).toBe('4,290 lost to trimming');
    expect(alertLabel(alert('cursorAhead', 'g', 98_204_276_909_128, 0))).toBe(
      'cursor ahead of the stream: reads nothing new',
    );
    expect(alertDetail(alert('cursorAhead', 'g', 98_204_276_909_128, 0))).toMatch(
      /^Its last delivered ID is 1,136,623 days past the stream's last ID: entries appended now get lower IDs/,
    );
    expect(alertDetail(alert('cursorAhead', 'g', 90_000, 0))).toMatch(
      /^Its last delivered ID is 1 m 30 s past/,
    );
    expect(alertLabel(alert('guardMarksLost', 'g', 3, 0))).toBe('duplicate guard not recording');
    expect(alertDetail(alert('guardMarksLost', 'g', 3, 0))).toMatch(
      /^Redis refused the once-per-ID guard's marks of 3 batches of handled entries \(out of memory, or away\): should those entries come again/,
    );
    expect(alertDetail(alert('pending', 'g', 600, 500))).toBe(
      'pending is 600, over the alert threshold of 500',
    );
  });
});
