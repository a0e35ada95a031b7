import { describe, expect, it } from 'vitest';
import { LABEL_MAX_CHARS, shortLabel } from './consumer-pending-series';

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
    expect(label).toBe('billing-reco…-pod-7f9c4b');
  });
});
