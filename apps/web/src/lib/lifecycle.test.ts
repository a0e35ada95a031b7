import type { LifecycleEventView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { describeEvent } from './lifecycle';

const step = (
  kind: LifecycleEventView['kind'],
  extra: Partial<LifecycleEventView> = {},
): LifecycleEventView => ({
  kind,
  id: '1-0',
  group: 'notifications',
  consumer: 'worker-a',
  deliveryCount: 2,
  eventType: 'order.paid',
  reason: null,
  ts: 1,
  ...extra,
});

describe('describeEvent', () => {
  it('says how an entry came to a consumer: a delivery from its own pending list, a handover', () => {
    expect(describeEvent(step('delivered'))).toBe('delivered to worker-a (attempt 2)');
    expect(describeEvent(step('delivered', { reason: 'read again from its own pending list' }))).toBe(
      'delivered to worker-a (attempt 2): read again from its own pending list',
    );
    expect(
      describeEvent(
        step('claimed', { deliveryCount: null, reason: 'handed over from worker-b, being removed' }),
      ),
    ).toBe('claimed by worker-a: handed over from worker-b, being removed');
  });
});
