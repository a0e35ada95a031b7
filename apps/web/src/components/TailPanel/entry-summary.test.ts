import { describe, expect, it } from 'vitest';
import { payloadText } from './entry-summary';

describe('payloadText', () => {
  it('shows the payload fields, leaving out type and ts_ms', () => {
    expect(payloadText({ type: 'order.paid', ts_ms: '1', order_id: 'o-1', amount: '9.50' })).toBe(
      'order_id=o-1  amount=9.50',
    );
  });

  it('says what the server left out of an entry too large to send whole', () => {
    expect(payloadText({ big: `${'A'.repeat(3)}…` }, { fields: 0, values: 1 })).toBe(
      'big=AAA…  [shortened: 1 value cut at 1,000 characters; replay it to see it whole]',
    );
    expect(payloadText({ f0: 'v0' }, { fields: 1400, values: 2 })).toBe(
      'f0=v0  [shortened: 2 values cut at 1,000 characters, 1,400 more fields; replay it to see it whole]',
    );
  });
});
