import { describe, expect, it } from 'vitest';
import { basisHint, isPreviewable, planPreview } from './preview-plan';

describe('planPreview', () => {
  it('asks about a MAXLEN by length', () => {
    expect(planPreview('maxlen', '1000')).toEqual({
      command: { type: 'trim.preview', maxlen: 1000 },
      label: 'MAXLEN 1,000',
    });
  });

  it('asks about a trim by age, and about a policy typed, by age', () => {
    expect(planPreview('age', '60000')).toEqual({
      command: { type: 'trim.preview', olderThanMs: 60_000 },
      label: 'older than 1 m 00 s',
    });
    expect(planPreview('policy', '5000')).toEqual({
      command: { type: 'trim.preview', olderThanMs: 5000 },
      label: 'a policy keeping at most 5 s',
    });
  });
});

describe('isPreviewable', () => {
  it('takes whole, non-negative numbers', () => {
    expect(isPreviewable('0')).toBe(true);
    expect(isPreviewable(' 100 ')).toBe(true);
  });

  it('leaves out blanks, fractions, negatives and text', () => {
    expect(isPreviewable('')).toBe(false);
    expect(isPreviewable('1.5')).toBe(false);
    expect(isPreviewable('-1')).toBe(false);
    expect(isPreviewable('abc')).toBe(false);
  });
});

describe('basisHint', () => {
  it('names the trim the Preview button asks about, with the MAXLEN operator', () => {
    expect(basisHint('maxlen', '~')).toBe('MAXLEN ~');
    expect(basisHint('maxlen', '=')).toBe('MAXLEN =');
    expect(basisHint('age', '~')).toBe('trim by age');
    expect(basisHint('policy', '=')).toBe('a standing policy of the age typed below');
  });
});
