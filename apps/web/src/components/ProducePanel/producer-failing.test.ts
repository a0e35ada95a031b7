import { describe, expect, it } from 'vitest';
import { formatClock } from '../../lib/format';
import { describeProducerFailing } from './producer-failing';

describe('describeProducerFailing', () => {
  it('says since when, how many batches and why', () => {
    const since = Date.UTC(2025, 0, 1, 10, 30);
    expect(describeProducerFailing({ since, batches: 1_234, reason: 'Redis is out of memory: …' })).toBe(
      `Appends failing since ${formatClock(since)} (1,234 batches, not sent again): Redis is out of memory: …`,
    );
    expect(describeProducerFailing({ since, batches: 1, reason: 'x' })).toMatch(
      /\(one batch, not sent again\)/,
    );
  });
});
