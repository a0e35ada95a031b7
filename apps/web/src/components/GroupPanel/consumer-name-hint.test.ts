import { describe, expect, it } from 'vitest';
import { consumerNameHint } from './consumer-name-hint';

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
