import { describe, expect, it } from 'vitest';
import { TickBuffer } from './tick-buffer.js';

describe('TickBuffer', () => {
  it('hands over nothing when nothing happened', () => {
    expect(new TickBuffer<number>(3).take()).toBeNull();
  });

  it('keeps the newest items of a tick in order and counts the older ones it dropped', () => {
    const buffer = new TickBuffer<number>(3);
    for (let n = 1; n <= 10; n += 1) buffer.push(n);
    expect(buffer.take()).toEqual({ items: [8, 9, 10], omitted: 7 });
    buffer.push(11);
    expect(buffer.take()).toEqual({ items: [11], omitted: 0 });
    expect(buffer.take()).toBeNull();
  });
});
