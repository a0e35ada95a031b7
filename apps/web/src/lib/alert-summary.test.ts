import { describe, expect, it } from 'vitest';
import { alertCountLabel, alertLines, clearDetail } from './alert-summary';

describe('alertLines', () => {
  it('names each subject and the group whose panel shows it, in the order given', () => {
    const lines = alertLines([
      { metric: 'lag', subject: 'analytics', value: 1_234, threshold: 1_000 },
      { metric: 'consumerIdleMs', subject: 'notifications/worker-a', value: 45_000, threshold: 30_000 },
    ]);
    expect(lines.map(({ group, subject, label }) => ({ group, subject, label }))).toEqual([
      { group: 'analytics', subject: 'analytics', label: 'lag over 1,000' },
      {
        group: 'notifications',
        subject: 'notifications/worker-a',
        label: 'idle over 30 s with work waiting',
      },
    ]);
    expect(lines[0]?.detail).toBe('lag is 1,234, over the alert threshold of 1,000');
  });

  it('keys each line by subject and metric, so two alerts of one group stay apart', () => {
    const lines = alertLines([
      { metric: 'lag', subject: 'analytics', value: 2, threshold: 1 },
      { metric: 'pending', subject: 'analytics', value: 2, threshold: 1 },
    ]);
    expect(new Set(lines.map((line) => line.key)).size).toBe(2);
  });
});

describe('alertCountLabel', () => {
  it('counts in words a person reads', () => {
    expect(alertCountLabel(1)).toBe('1 alert');
    expect(alertCountLabel(3)).toBe('3 alerts');
  });
});

describe('clearDetail', () => {
  it('says the losses alert for a minute, not ever, so a panel’s standing count does not contradict it', () => {
    const detail = clearDetail({ lag: 1_000, pending: 100, oldestPendingMs: 30_000, consumerIdleMs: 60_000 });
    expect(detail).toBe(
      'No group has lag over 1,000, pending over 100 or an oldest pending entry over 30 s; none lost an entry to trimming or dead-lettered one in the last minute, has a cursor past the stream’s last entry, or a duplicate guard Redis refuses to record; and no consumer with work waiting has been idle over 1 m 00 s',
    );
  });
});
