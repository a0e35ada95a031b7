import { describe, expect, it } from 'vitest';
import { shortRetention } from './short-retention';

/** The seed's stream at MAXLEN ~ 2,000 under a producer, its entries spanning `spanMs`. */
function trimmedStream(spanMs: number, overrides: Partial<Parameters<typeof shortRetention>[0]> = {}) {
  return {
    stream: {
      key: 'demo:events:orders',
      exists: true,
      length: 2_050,
      firstEntryId: '1700000000000-0',
      lastEntryId: `${1_700_000_000_000 + spanMs}-3`,
      lastGeneratedId: `${1_700_000_000_000 + spanMs}-3`,
      entriesAdded: 90_000,
    },
    maxlen: 2_000,
    retention: { maxAgeMs: null },
    claimMinIdleMs: 5_000,
    producedPerSec: 5_000,
    ...overrides,
  };
}

describe('shortRetention', () => {
  it('finds a MAXLEN that keeps less time of entries than the claim threshold, from the first and last IDs', () => {
    expect(shortRetention(trimmedStream(400))).toEqual({
      cause: 'maxlen',
      keptMs: 400,
      maxlen: 2_000,
      producedPerSec: 5_000,
    });
  });

  it('is quiet when the stream keeps at least the claim threshold of entries', () => {
    expect(shortRetention(trimmedStream(5_000))).toBeNull();
    expect(shortRetention(trimmedStream(60_000))).toBeNull();
  });

  it('is quiet while nothing is appended, since nothing is trimmed then', () => {
    expect(shortRetention(trimmedStream(400, { producedPerSec: 0 }))).toBeNull();
  });

  it('is quiet while the stream is under its MAXLEN, or so far past it that MAXLEN is not what trims it', () => {
    const short = trimmedStream(400);
    expect(shortRetention({ ...short, stream: { ...short.stream, length: 1_500 } })).toBeNull();
    expect(shortRetention({ ...short, stream: { ...short.stream, length: 50_000 } })).toBeNull();
    expect(shortRetention({ ...short, maxlen: null })).toBeNull();
    expect(
      shortRetention({ ...short, stream: { ...short.stream, firstEntryId: null, lastEntryId: null } }),
    ).toBeNull();
  });

  it('finds a retention policy shorter than the claim threshold, produced to or not', () => {
    const idle = trimmedStream(60_000, { producedPerSec: 0, retention: { maxAgeMs: 2_000 } });
    expect(shortRetention(idle)).toEqual({ cause: 'policy', keptMs: 2_000 });
    expect(shortRetention(trimmedStream(60_000, { retention: { maxAgeMs: 5_000 } }))).toBeNull();
  });
});
