import { describe, expect, it } from 'vitest';
import { commandSchema } from './commands.js';
import { LIMITS } from './limits.js';
import { deadLetterSchema } from './server-messages.js';

// What the dead-letter panel pages by: `dlq.list` before the last letter it shows, and letters that say what was cut.
describe('dlq.list', () => {
  it('lists 50 by default, at most dlqListMax, before a canonical letter ID', () => {
    expect(commandSchema.parse({ type: 'dlq.list' })).toEqual({ type: 'dlq.list', count: 50 });
    expect(commandSchema.parse({ type: 'dlq.list', count: 7, before: '001716998413541-01' })).toEqual({
      type: 'dlq.list',
      count: 7,
      before: '1716998413541-1',
    });
    expect(commandSchema.safeParse({ type: 'dlq.list', count: LIMITS.dlqListMax + 1 }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'dlq.list', before: '(1-0' }).success).toBe(false);
  });

  it('answers letters whose cut counts what the server left out, and letters with nothing cut', () => {
    const letter = {
      id: '2-0',
      originalId: '1-0',
      group: 'billing',
      consumer: 'worker-a',
      deliveryCount: 5,
      reason: `${'R'.repeat(1_000)}…`,
      ts: 1,
      fields: { body: `${'V'.repeat(1_000)}…` },
    };
    const cut = { ...letter, cut: { fields: 50, values: 2 } };
    expect(deadLetterSchema.parse(cut)).toEqual(cut);
    expect(deadLetterSchema.parse(letter)).toEqual(letter);
    expect(deadLetterSchema.safeParse({ ...letter, cut: { fields: 50 } }).success).toBe(false);
  });
});
