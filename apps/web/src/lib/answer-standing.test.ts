import { describe, expect, it } from 'vitest';
import { answerStanding, listedIn } from './answer-standing';

describe('listedIn', () => {
  it('tells listed from not, and cannot tell when the snapshot left some out', () => {
    expect(listedIn('worker-e', ['worker-a', 'worker-e'], 0)).toBe(true);
    expect(listedIn('worker-e', ['worker-a'], 0)).toBe(false);
    expect(listedIn('worker-e', ['worker-a'], 3)).toBeNull();
    expect(listedIn('worker-e', ['worker-e'], 3)).toBe(true);
  });
});

describe('answerStanding', () => {
  it('is listed while the snapshot lists what the answer names', () => {
    expect(answerStanding(true, false)).toBe('listed');
    expect(answerStanding(true, true)).toBe('listed');
  });

  it('is not yet listed while the snapshot after the answer has not come', () => {
    expect(answerStanding(false, false)).toBe('not yet');
  });

  it('is gone once listed and no longer', () => {
    expect(answerStanding(false, true)).toBe('gone');
  });

  it('is not called gone while the snapshot cannot tell', () => {
    expect(answerStanding(null, true)).toBe('not yet');
  });
});
