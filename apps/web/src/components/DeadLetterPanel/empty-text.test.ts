import { describe, expect, it } from 'vitest';
import { emptyText } from './empty-text';

describe('emptyText', () => {
  it('says the letters this server wrote are gone, not where they went, when it wrote some', () => {
    expect(emptyText(3)).toBe(
      "The dead-letter stream is empty. The 3 letters this server wrote since it started are no longer there: requeued, discarded, or removed otherwise (the dead-letter stream's own cap, another client, Redis restarted without its data).",
    );
    expect(emptyText(1)).toMatch(
      /^The dead-letter stream is empty\. The one letter this server wrote since it started is no longer there: /,
    );
    expect(emptyText(2_500)).toMatch(/^The dead-letter stream is empty\. The 2,500 letters /);
  });

  it('says only that there are none otherwise', () => {
    expect(emptyText(0)).toBe('No dead letters.');
    expect(emptyText(null)).toBe('No dead letters.');
  });
});
