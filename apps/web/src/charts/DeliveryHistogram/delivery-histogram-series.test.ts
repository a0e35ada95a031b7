import { describe, expect, it } from 'vitest';
import { pendingRowView } from '../../testing/views';
import { deliveryHistogram } from './delivery-histogram-series';

const row = (deliveries: number) => pendingRowView({ id: `${deliveries}-0`, deliveries });

describe('deliveryHistogram', () => {
  it('shows at least five buckets', () => {
    expect(deliveryHistogram([])).toEqual(['1', '2', '3', '4', '5'].map((label) => ({ label, count: 0 })));
  });

  it('counts per delivery count and folds 10 and more into one bucket', () => {
    const buckets = deliveryHistogram([row(1), row(1), row(2), row(12), row(10)]);
    expect(buckets).toHaveLength(10);
    expect(buckets[0]).toEqual({ label: '1', count: 2 });
    expect(buckets[1]).toEqual({ label: '2', count: 1 });
    expect(buckets[9]).toEqual({ label: '10+', count: 2 });
  });
});
