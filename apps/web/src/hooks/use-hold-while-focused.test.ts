import { describe, expect, it } from 'vitest';
import { nextHold } from './use-hold-while-focused';

describe('nextHold', () => {
  it('holds what was live when focus or the pointer first came, until neither is left', () => {
    const pointed = nextHold(null, ['b', 'a'], { pointed: true });
    expect(pointed).toEqual({ value: ['b', 'a'], focused: false, pointed: true });
    // Focus arriving (a click on a row's button) keeps the order the pointer already held.
    const both = nextHold(pointed, ['a', 'b'], { focused: true });
    expect(both?.value).toEqual(['b', 'a']);
    // The pointer leaving a focused table still holds it; focus leaving too ends the hold.
    const focused = nextHold(both, ['a', 'b'], { pointed: false });
    expect(focused).toEqual({ value: ['b', 'a'], focused: true, pointed: false });
    expect(nextHold(focused, ['a', 'b'], { focused: false })).toBeNull();
  });

  it('ends no hold that is not there, and holds a null value as held', () => {
    expect(nextHold(null, 1, { focused: false })).toBeNull();
    expect(nextHold(null, null, { focused: true })?.value).toBeNull();
  });
});
