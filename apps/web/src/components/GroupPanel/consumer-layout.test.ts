import { describe, expect, it } from 'vitest';
import { COMPACT_ABOVE, parseLayoutChoices, serializeLayoutChoices, shownLayout } from './consumer-layout';

describe('shownLayout', () => {
  it('shows cards up to the threshold and a table past it, unless the user chose', () => {
    expect(shownLayout(undefined, 3)).toBe('cards');
    expect(shownLayout(undefined, COMPACT_ABOVE)).toBe('cards');
    expect(shownLayout(undefined, COMPACT_ABOVE + 1)).toBe('compact');
    // The user's choice wins both ways.
    expect(shownLayout('compact', 2)).toBe('compact');
    expect(shownLayout('cards', 60)).toBe('cards');
  });

  it('stays a table once shown so by itself, as consumers are removed, until the user chooses', () => {
    expect(shownLayout(undefined, COMPACT_ABOVE, true)).toBe('compact');
    expect(shownLayout(undefined, 1, true)).toBe('compact');
    expect(shownLayout('cards', COMPACT_ABOVE + 1, true)).toBe('cards');
  });
});

describe('parseLayoutChoices', () => {
  it('reads what serializeLayoutChoices wrote, one choice per group', () => {
    const one = parseLayoutChoices(serializeLayoutChoices(new Map(), 'analytics', 'compact'));
    const two = parseLayoutChoices(serializeLayoutChoices(one, 'notifications', 'cards'));
    expect([...two]).toEqual([
      ['analytics', 'compact'],
      ['notifications', 'cards'],
    ]);
    expect([...parseLayoutChoices(serializeLayoutChoices(two, 'analytics', 'cards'))]).toEqual([
      ['analytics', 'cards'],
      ['notifications', 'cards'],
    ]);
  });

  it('keeps a group named __proto__ as any other', () => {
    const choices = parseLayoutChoices(serializeLayoutChoices(new Map(), '__proto__', 'compact'));
    expect(choices.get('__proto__')).toBe('compact');
  });

  it('takes anything unreadable for no choice', () => {
    for (const raw of [null, '', 'not json', '[]', 'null', '"compact"', '42']) {
      expect(parseLayoutChoices(raw).size).toBe(0);
    }
    expect([...parseLayoutChoices('{"a":"compact","b":"grid","c":1}')]).toEqual([['a', 'compact']]);
    // Each choice is read by itself: one that is not a layout costs the others nothing.
    expect([...parseLayoutChoices('{"a":["compact"],"b":null,"c":{"layout":"cards"},"d":"cards"}')]).toEqual([
      ['d', 'cards'],
    ]);
  });
});
