import { DEMO_EVENT_TYPES } from '@streamscope/protocol';
import type { EventInput } from '@streamscope/streams';

const CUSTOMERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'] as const;

/** `count` demo order events as the seed's producer makes them: order_id, customer, amount. */
export function fakeOrders(count: number, eventType?: string): EventInput[] {
  const events: EventInput[] = new Array(count);
  for (let index = 0; index < count; index += 1) {
    events[index] = {
      type: eventType ?? pick(DEMO_EVENT_TYPES),
      payload: {
        order_id: `o-${randomBelow(1_000_000)}`,
        customer: pick(CUSTOMERS),
        amount: ((500 + randomBelow(49_500)) / 100).toFixed(2),
      },
    };
  }
  return events;
}

function pick<T>(values: readonly T[]): T {
  return values[randomBelow(values.length)] as T;
}

// Demo data, not secrets: Math.random is enough and keeps a 50k/s producer cheap.
function randomBelow(limit: number): number {
  return Math.floor(Math.random() * limit);
}
