import type { EventInput, EventPayload } from '@streamscope/streams';

// Every benchmark writes the same event, shaped like the demo's orders, so that the library's figures and
// redis-benchmark's compare like with like: same fields, same value widths, same entry size.
export const SAMPLE_TYPE = 'order.placed';
export const SAMPLE_PAYLOAD: EventPayload = { order_id: 'o-1', customer: 'c-1', amount: '10.00' };

/** `count` sample events, ready for `produceBatch`. */
export function sampleEvents(count: number, payload: EventPayload = SAMPLE_PAYLOAD): EventInput[] {
  return Array.from({ length: count }, () => ({ type: SAMPLE_TYPE, payload }));
}

/**
 * The XADD that `EventStream` sends for one sample event. `ts_ms` is fixed here but has the width of
 * `Date.now()`, which the library writes, so Redis stores an integer of the same size.
 */
export function sampleXaddArgs(streamKey: string, maxlenApprox: number): string[] {
  const fields = ['type', SAMPLE_TYPE, 'ts_ms', String(Date.now())];
  for (const [field, value] of Object.entries(SAMPLE_PAYLOAD)) fields.push(field, String(value));
  return ['XADD', streamKey, 'MAXLEN', '~', String(maxlenApprox), '*', ...fields];
}
