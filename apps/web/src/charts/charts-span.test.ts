import { HISTORY_WINDOW_MS } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { figuresBeginAt } from './charts-span';

describe('figuresBeginAt', () => {
  it('says when figures that cover less than the window begin', () => {
    expect(figuresBeginAt([{ at: 1_000 }, { at: 61_000 }])).toBe(1_000);
  });

  it('says nothing once they span the window, or when there are none', () => {
    expect(figuresBeginAt([{ at: 1_000 }, { at: 1_000 + HISTORY_WINDOW_MS - 1_000 }])).toBeNull();
    expect(figuresBeginAt([])).toBeNull();
  });
});
