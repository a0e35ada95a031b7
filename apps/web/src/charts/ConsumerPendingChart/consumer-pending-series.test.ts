import type { GroupView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { consumerPendingSeries, LABEL_MAX_CHARS, shortLabel } from './consumer-pending-series';

const group = (name: string, pending: readonly number[], consumersOmitted = 0) =>
  ({
    name,
    consumers: pending.map((count, index) => ({ name: `w${index}`, pending: count })),
    consumersOmitted,
  }) as unknown as GroupView;

describe('consumerPendingSeries', () => {
  it('draws every consumer while they fit, each in its own group colour key', () => {
    const series = consumerPendingSeries([group('a', [1, 2]), group('b', [3])], 3);
    expect(series.data).toEqual([
      { consumer: 'a/w0', g0: 1 },
      { consumer: 'a/w1', g0: 2 },
      { consumer: 'b/w0', g1: 3 },
    ]);
    expect(series.total).toBe(3);
  });

  it('past the bars that fit, keeps the consumers holding most, in page order, and says how many there are', () => {
    const series = consumerPendingSeries([group('a', [0, 7, 2, 7]), group('b', [0, 9, 0])], 3);
    expect(series.data.map((row) => row.consumer)).toEqual(['a/w1', 'a/w3', 'b/w1']);
    expect(series.total).toBe(7);
  });

  it('counts the consumers the snapshot left out among all there are', () => {
    const series = consumerPendingSeries([group('a', [0, 4], 19_998), group('b', [1])], 2);
    expect(series.data.map((row) => row.consumer)).toEqual(['a/w1', 'b/w0']);
    expect(series.total).toBe(20_001);
  });

  it('past the bars that fit, leaves out those holding none while any holds some', () => {
    const series = consumerPendingSeries([group('a', [0, 0, 0, 0]), group('b', [0, 223, 0])], 3);
    expect(series.data.map((row) => row.consumer)).toEqual(['b/w1']);
    expect(series.total).toBe(7);
    // None holding any: their names, as many as fit.
    expect(consumerPendingSeries([group('a', [0, 0, 0, 0])], 3).data).toHaveLength(3);
  });

  it('breaks ties in page order, so the bars do not shuffle between snapshots', () => {
    const series = consumerPendingSeries([group('a', [5, 5, 5, 5])], 2);
    expect(series.data.map((row) => row.consumer)).toEqual(['a/w0', 'a/w1']);
  });
});

describe('shortLabel', () => {
  it('leaves a label that fits as it is', () => {
    expect(shortLabel('notifications/worker-a')).toBe('notifications/worker-a');
  });

  it('ignores the tick index recharts passes its tick formatter second', () => {
    const asTickFormatter = shortLabel as (label: string, index: number) => string;
    expect(asTickFormatter('notifications/worker-a', 1)).toBe('notifications/worker-a');
  });

  it('cuts a long label in the middle, keeping the start of the group and the end of the consumer', () => {
    const label = shortLabel('billing-reconciliation-v2/reconciler-eu-west-1-pod-7f9c4b');
    expect(label).toHaveLength(LABEL_MAX_CHARS);
    expect(label).toBe('billing-rec…pod-7f9c4b');
  });
});
