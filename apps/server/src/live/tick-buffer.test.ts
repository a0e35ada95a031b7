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

  it('drops the oldest items of the lowest rank before any ranked higher, keeping the order they came in', () => {
    const buffer = new TickBuffer<number>(4, (n) => (n % 10 === 0 ? 1 : 0));
    for (let n = 1; n <= 30; n += 1) buffer.push(n);
    expect(buffer.take()).toEqual({ items: [10, 20, 29, 30], omitted: 26 });
  });

  it('drops every item of a rank before the next rank up gives any', () => {
    // 0: produced, 1: delivered or acked, 2: trouble, as the live feed ranks them.
    const ranks = [0, 1, 0, 2, 1, 0, 0, 1, 2, 0];
    const buffer = new TickBuffer<number>(4, (index) => ranks[index] ?? 0);
    for (const index of ranks.keys()) buffer.push(index);
    expect(buffer.take()).toEqual({ items: [3, 4, 7, 8], omitted: 6 });
    const crowded = new TickBuffer<number>(3, (index) => ranks[index] ?? 0);
    for (const index of ranks.keys()) crowded.push(index);
    expect(crowded.take()).toEqual({ items: [3, 7, 8], omitted: 7 });
  });

  it('drops the oldest of the highest rank too when they alone are more than the cap', () => {
    const buffer = new TickBuffer<number>(2, () => 1);
    for (let n = 1; n <= 5; n += 1) buffer.push(n);
    expect(buffer.take()).toEqual({ items: [4, 5], omitted: 3 });
  });

  it('drops the oldest items past its bytes per tick, keeping the newest however large, and counts them', () => {
    const buffer = new TickBuffer<string>(10, undefined, {
      bytesPerTick: 10,
      bytesOf: (item) => item.length,
    });
    for (const item of ['aaaa', 'bbbb', 'cccc', 'dd']) buffer.push(item);
    expect(buffer.take()).toEqual({ items: ['bbbb', 'cccc', 'dd'], omitted: 1 });
    buffer.push('x'.repeat(50));
    expect(buffer.take()).toEqual({ items: ['x'.repeat(50)], omitted: 0 });
  });

  it('forgets what is waiting, and the count of what it left out, when cleared', () => {
    const buffer = new TickBuffer<number>(2);
    for (let n = 1; n <= 5; n += 1) buffer.push(n);
    buffer.clear();
    expect(buffer.take()).toBeNull();
    buffer.push(6);
    expect(buffer.take()).toEqual({ items: [6], omitted: 0 });
  });
});
