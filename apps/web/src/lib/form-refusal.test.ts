import { describe, expect, it } from 'vitest';
import { formRefusal } from './form-refusal';

describe('formRefusal', () => {
  it("names the field by its label, then gives the browser's reason", () => {
    expect(formRefusal(' Number of events ', 'Value must be greater than or equal to 1.')).toBe(
      'Number of events: Value must be greater than or equal to 1.',
    );
  });

  it('gives the reason alone for a field without a label, and says something when the browser says nothing', () => {
    expect(formRefusal(null, 'Please enter a number.')).toBe('Please enter a number.');
    expect(formRefusal('Limit', '')).toBe('Limit: not a value this field takes');
  });
});
