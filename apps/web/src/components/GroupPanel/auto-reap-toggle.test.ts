import { describe, expect, it } from 'vitest';
import { shownAutoReap } from './auto-reap-toggle';

describe('shownAutoReap', () => {
  it('shows the request from the click until a snapshot after the answer, then the server again', () => {
    expect(shownAutoReap(false, null, 7)).toBe(false);
    expect(shownAutoReap(false, { enabled: true, answeredAtSeq: null }, 7)).toBe(true);
    expect(shownAutoReap(false, { enabled: true, answeredAtSeq: 8 }, 8)).toBe(true);
    // The next snapshot is the server's word, even if it disagrees: the toggle never hides what the server does.
    expect(shownAutoReap(false, { enabled: true, answeredAtSeq: 8 }, 9)).toBe(false);
    expect(shownAutoReap(true, { enabled: true, answeredAtSeq: 8 }, 9)).toBe(true);
  });
});
