import { describe, expect, it } from 'vitest';
import { letterRowText } from './letter-row-text';

describe('letterRowText', () => {
  it('shows the payload, whole in its tooltip, and says what Requeue does', () => {
    expect(letterRowText({ fields: { type: 'order.paid', order_id: 'o-1' } })).toEqual({
      payload: 'order_id=o-1',
      payloadTitle: 'order_id=o-1',
      requeueTitle:
        'Appends it to the stream again: every group receives it, and a group that had processed the original acks it as a duplicate',
    });
  });

  it('says a letter trimmed away has nothing to requeue', () => {
    expect(letterRowText({ fields: {} })).toEqual({
      payload: 'fields trimmed away',
      payloadTitle: 'Its entry was trimmed while pending, before it was handled',
      requeueTitle: 'Its entry was trimmed while pending, before it was handled: no fields to requeue',
    });
  });

  it('keeps what the server cut of a letter trimmed away in its tooltip', () => {
    const text = letterRowText({ fields: {}, cut: { fields: 0, values: 1 } });
    expect(text.payloadTitle).toBe(text.payload);
    expect(text.payload).toBe('fields trimmed away  [shortened: 1 value cut at 1,000 characters]');
  });
});
