import { describe, expect, it } from 'vitest';
import { nextHold } from '../../hooks/use-hold-while-focused';
import { holdNote } from './hold-note';

const at = new Date(2026, 4, 1, 18, 2, 20).getTime();

describe('holdNote', () => {
  it('says the rows are live, and what would hold them, while nothing does', () => {
    expect(holdNote(null, at)).toBe('Live: the rows hold still while the pointer or focus is on them.');
  });

  it('says what holds the rows, and the time of the figures held', () => {
    const pointed = nextHold(null, 'rows', { pointed: true });
    expect(holdNote(pointed, at)).toBe('Held while the pointer is here: figures as of 18:02:20');
    const both = nextHold(pointed, 'rows', { focused: true });
    expect(holdNote(both, at)).toBe('Held while the pointer and focus are here: figures as of 18:02:20');
    const focused = nextHold(both, 'rows', { pointed: false });
    expect(holdNote(focused, at)).toBe('Held while focus is in the table: figures as of 18:02:20');
    expect(holdNote(focused, null)).toBe('Held while focus is in the table: figures as of the last snapshot');
  });
});
