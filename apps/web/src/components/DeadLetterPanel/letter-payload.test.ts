import { describe, expect, it } from 'vitest';
import { letterPayload } from './letter-payload';

describe('letterPayload', () => {
  it("shows a letter's fields as an entry's, without its type", () => {
    expect(letterPayload({ fields: { type: 'order.paid', order_id: 'o-1' } })).toBe('order_id=o-1');
  });

  it('says what the server left out, and that Requeue writes the fields back whole', () => {
    expect(letterPayload({ fields: { body: 'AAA…' }, cut: { fields: 50, values: 2 } })).toBe(
      'body=AAA…  [shortened: 2 values cut at 1,000 characters, 50 more fields; Requeue writes its fields back whole]',
    );
  });

  it('says a letter without fields had them trimmed away, and what was cut of the rest, with nothing to requeue', () => {
    expect(letterPayload({ fields: {} })).toBe('fields trimmed away');
    expect(letterPayload({ fields: {}, cut: { fields: 0, values: 1 } })).toBe(
      'fields trimmed away  [shortened: 1 value cut at 1,000 characters]',
    );
  });
});
