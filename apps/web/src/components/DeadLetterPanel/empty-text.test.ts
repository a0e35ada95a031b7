import { describe, expect, it } from 'vitest';
import { emptyText } from './empty-text';

describe('emptyText', () => {
  it('says the letters this server wrote went, when it wrote some', () => {
    expect(emptyText(3)).toBe(
      'The dead-letter stream is empty: every letter written since this server started was requeued or discarded.',
    );
  });

  it('says only that there are none otherwise', () => {
    expect(emptyText(0)).toBe('No dead letters.');
    expect(emptyText(null)).toBe('No dead letters.');
  });
});
