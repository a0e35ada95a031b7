import { describe, expect, it } from 'vitest';
import { formRefusal, issuesRefusal } from './form-refusal';

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

describe('issuesRefusal', () => {
  const labels: Record<string, string> = { start: 'Start', count: 'Limit' };
  const labelOf = (argument: string) => labels[argument] ?? null;

  it("names each argument the schema refused by its field's label, as the browser's own checks do", () => {
    expect(
      issuesRefusal(
        [
          { argument: 'start', text: "start: must be '-', '+', a stream ID, or '(' and a stream ID" },
          { argument: 'count', text: 'count must be at least 1' },
        ],
        labelOf,
      ),
    ).toBe("Start: must be '-', '+', a stream ID, or '(' and a stream ID; Limit: must be at least 1");
  });

  it('keeps the words of an argument no field gives, and of the command as a whole', () => {
    expect(
      issuesRefusal(
        [
          { argument: 'end', text: 'end: must be a stream ID' },
          { argument: null, text: 'give exactly one of minId or olderThanMs' },
          // Not led by its name: nothing to put the label in place of.
          { argument: 'start', text: 'starting IDs must be ordered' },
        ],
        labelOf,
      ),
    ).toBe(
      'end: must be a stream ID; give exactly one of minId or olderThanMs; starting IDs must be ordered',
    );
  });
});
