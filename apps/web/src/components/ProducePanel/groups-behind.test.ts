import { describe, expect, it } from 'vitest';
import { groupsBehind } from './groups-behind';

describe('groupsBehind', () => {
  it('names the groups more than a second behind that ack well under what is produced', () => {
    const groups = [
      { name: 'analytics', lag: 9_000, ackedPerSec: 40 },
      { name: 'notifications', lag: 8_500, ackedPerSec: 80 },
      { name: 'audit', lag: 3, ackedPerSec: 1_990 },
    ];
    expect(groupsBehind(2_000, 2_000, 50_000, groups)).toEqual([
      { name: 'analytics', ackedPerSec: 40, lag: 9_000 },
      { name: 'notifications', ackedPerSec: 80, lag: 8_500 },
    ]);
  });

  it('names a group more than half the stream behind, when a second of the producer is more than Redis counts', () => {
    // MAXLEN ~ 2,000 at 10,000/s: Redis reports at most the stream's length as lag.
    const groups = [
      { name: 'analytics', lag: 2_060, ackedPerSec: 40 },
      { name: 'audit', lag: 400, ackedPerSec: 9_950 },
    ];
    expect(groupsBehind(10_000, 10_000, 2_060, groups)).toEqual([
      { name: 'analytics', ackedPerSec: 40, lag: 2_060 },
    ]);
  });

  it('leaves out a group that keeps up, though one interval measured it short or its lag is unknown', () => {
    expect(groupsBehind(30, 30, 2_000, [{ name: 'analytics', lag: 12, ackedPerSec: 0 }])).toEqual([]);
    expect(groupsBehind(30, 30, 2_000, [{ name: 'analytics', lag: 400, ackedPerSec: 29 }])).toEqual([]);
    expect(groupsBehind(30, 30, 2_000, [{ name: 'analytics', lag: null, ackedPerSec: 0 }])).toEqual([]);
  });
});
