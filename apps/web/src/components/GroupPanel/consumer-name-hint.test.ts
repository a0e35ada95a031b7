import { describe, expect, it } from 'vitest';
import { consumerNameHint, consumerNameToAdd } from './consumer-name-hint';

describe('consumerNameHint', () => {
  it("suggests worker-d beside the seed's consumers", () => {
    expect(consumerNameHint(['worker-a', 'worker-b'])).toBe('worker-d');
  });

  it('skips names the group already has', () => {
    expect(consumerNameHint(['worker-a', 'worker-d', 'worker-e'])).toBe('worker-f');
  });

  it('numbers them once the letters run out', () => {
    const lettered = Array.from({ length: 23 }, (_, index) => `worker-${String.fromCharCode(100 + index)}`);
    expect(consumerNameHint(lettered)).toBe('worker-24');
  });
});

describe('consumerNameToAdd', () => {
  it('takes the suggestion for a field left empty, or only spaces', () => {
    expect(consumerNameToAdd('', 'worker-d')).toBe('worker-d');
    expect(consumerNameToAdd('   ', 'worker-d')).toBe('worker-d');
  });

  it('takes what was typed, spaces round it dropped', () => {
    expect(consumerNameToAdd(' billing-1 ', 'worker-d')).toBe('billing-1');
  });
});
