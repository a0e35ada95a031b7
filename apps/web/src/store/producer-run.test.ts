import { describe, expect, it } from 'vitest';
import { producerRunAfter } from './producer-run';

describe('producerRunAfter', () => {
  it('begins a run when the producer starts or changes its rate, and keeps it while it runs on', () => {
    const started = producerRunAfter(null, { running: true, rate: 2_000 }, 1_000);
    expect(started).toEqual({ rate: 2_000, since: 1_000 });
    expect(producerRunAfter(started, { running: true, rate: 2_000 }, 5_000)).toBe(started);
    expect(producerRunAfter(started, { running: true, rate: 500 }, 6_000)).toEqual({
      rate: 500,
      since: 6_000,
    });
  });

  it('has none while the producer is stopped', () => {
    expect(producerRunAfter({ rate: 2_000, since: 1_000 }, { running: false, rate: 0 }, 5_000)).toBeNull();
    expect(producerRunAfter(null, { running: false, rate: 0 }, 5_000)).toBeNull();
  });
});
