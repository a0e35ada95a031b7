import { describe, expect, it } from 'vitest';
import { entryPayload, PAYLOAD_CHARS_SHOWN, payloadText } from './entry-summary';

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

  it('gives at most `chars` of the fields, an ellipsis after them, and what the server cut after that', () => {
    expect(payloadText({ body: 'x'.repeat(20) }, undefined, { chars: 10 })).toBe('body=xxxxx…');
    expect(payloadText({ body: 'x'.repeat(20) }, { fields: 3, values: 0 }, { chars: 10 })).toBe(
      'body=xxxxx…  [shortened: 3 more fields; replay it to see it whole]',
    );
    expect(payloadText({ body: 'x'.repeat(5) }, undefined, { chars: 10 })).toBe('body=xxxxx');
  });

  it('never cuts a character in two', () => {
    expect(payloadText({ body: '😀😀😀' }, undefined, { chars: 8 })).toBe('body=😀…');
  });
});

describe('entryPayload', () => {
  it('gives a row the start of a replayed entry of hundreds of thousands of characters, not all of it', () => {
    const entry = { id: '1-0', idMs: 1, fields: { type: 'report.generated', body: 'x'.repeat(300_000) } };
    const payload = entryPayload(entry);
    expect(payload).toHaveLength(PAYLOAD_CHARS_SHOWN + 1);
    expect(payload).toMatch(/^body=x+…$/);
  });
});
