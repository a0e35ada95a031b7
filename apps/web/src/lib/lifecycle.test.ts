import type { LifecycleEventView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { describeEvent, describeEventNamingEntry } from './lifecycle';

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

  it('says a letter written from the Pending table was the operator’s, from the consumer that held it', () => {
    expect(describeEvent(step('dead-lettered', { reason: 'dead-lettered by hand' }))).toBe(
      'moved to the dead-letter stream by hand, from worker-a (attempt 2)',
    );
    expect(describeEvent(step('dead-lettered', { reason: 'poison pill' }))).toBe(
      'moved to the dead-letter stream by worker-a (attempt 2): poison pill',
    );
  });

  it('says a duplicate once, its reason saying why', () => {
    expect(
      describeEvent(
        step('duplicate', {
          reason: 'a requeued copy of 5-0, already processed, acked without doing the work again',
        }),
      ),
    ).toBe(
      'handed to worker-a (attempt 2), skipped as a duplicate: a requeued copy of 5-0, already processed, acked without doing the work again',
    );
  });
});

describe('describeEventNamingEntry', () => {
  const requeued = (reason: string | null): LifecycleEventView => ({
    kind: 'requeued',
    id: '5-0',
    group: null,
    consumer: null,
    deliveryCount: null,
    eventType: 'order.paid',
    reason,
    ts: 1,
  });

  it('splits out the copy a requeue put back, or the original a copy came from, for the timeline to link', () => {
    expect(describeEventNamingEntry(requeued('as 9-0'))).toEqual({
      text: 'put back on the stream from the dead-letter stream as',
      id: '9-0',
    });
    const copy = { ...requeued('requeued from the dead letter of 5-0'), kind: 'produced' } as const;
    expect(describeEventNamingEntry(copy)).toEqual({
      text: 'produced as order.paid: requeued from the dead letter of',
      id: '5-0',
    });
  });

  it('leaves other steps and IDs cut short as words', () => {
    expect(describeEventNamingEntry({ ...requeued('as 5-0…'), kind: 'requeued' })).toBeNull();
    expect(describeEventNamingEntry({ ...requeued(null), kind: 'acked', consumer: 'w' })).toBeNull();
  });
});
