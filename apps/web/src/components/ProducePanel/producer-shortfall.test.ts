import type { HistoryPoint } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { producerShortfall } from './producer-shortfall';

/** One point a second from `start`, entries added rising by each of `perSecond` in turn. */
function history(start: number, perSecond: readonly number[], added = 0): HistoryPoint[] {
  let total = added;
  return perSecond.map((rise, second) => {
    total += rise;
    return { at: start + (second + 1) * 1_000, producedPerSec: rise, entriesAdded: total, groups: {} };
  });
}

describe('producerShortfall', () => {
  it('says nothing of a producer that keeps up on average, however its one-second readings jitter', () => {
    // At 2,000/s, seconds read 1,748 and 2,252 by turns: the old one-second judgement flickered.
    const jittery = history(0, [2_000, 1_748, 2_252, 1_748, 2_252, 1_748, 2_252, 1_748]);
    expect(producerShortfall(2_000, jittery, 0)).toBeNull();
  });

  it('gives the achieved rate once it has fallen well short for seconds running', () => {
    const short = history(0, [34_000, 34_200, 34_400, 34_100, 34_300, 34_200, 34_000]);
    expect(producerShortfall(50_000, short, 0)).toBeCloseTo(34_200, -2);
  });

  it('judges nothing until seconds after a start, when the count still ran at the pace before it', () => {
    // Started at 10 s: the seconds before ran at 0/s, and a look over them read "1,680/s achieved".
    const points = [...history(0, Array(10).fill(0)), ...history(10_000, [2_000, 2_000, 2_000], 0)];
    expect(producerShortfall(2_000, points, 10_000)).toBeNull();
    // Short for long enough after the start, it is said.
    const slow = [
      ...history(0, Array(10).fill(0)),
      ...history(10_000, [1_000, 1_000, 1_000, 1_000, 1_000, 1_000]),
    ];
    expect(producerShortfall(2_000, slow, 10_000)).toBe(1_000);
  });

  it('starts its look over after a count that went back: the stream made again', () => {
    const reset = [...history(0, [2_000, 2_000, 2_000], 50_000), ...history(3_000, [2_000, 2_000, 2_000])];
    expect(producerShortfall(2_000, reset, 0)).toBeNull();
  });
});
