import { describe, expect, it } from 'vitest';
import { letterReason } from './letter-reason';

describe('letterReason', () => {
  it("gives the handler's last failure of a letter that reached the delivery limit", () => {
    expect(
      letterReason(
        'delivery count 5 reached maxDeliveries 5; last failure: poison pill: this handler always fails',
      ),
    ).toBe('poison pill: this handler always fails');
  });

  it('says the limit was reached when no failure was recorded', () => {
    expect(letterReason('delivery count 7 reached maxDeliveries 5')).toBe('delivery limit reached');
  });

  it('leaves any other reason as it is', () => {
    expect(letterReason('trimmed')).toBe('trimmed');
    expect(letterReason('handler kept failing')).toBe('handler kept failing');
    expect(letterReason('')).toBe('');
  });
});
