import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameBatch } from './frame-batch';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('frameBatch', () => {
  it('hands over everything pushed before the next frame in one call', () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const applied: number[][] = [];
    const batch = frameBatch<number>((items) => applied.push(items));
    batch.push(1);
    batch.push(2);
    batch.push(3);
    expect(applied).toEqual([]);
    frames.shift()?.(0);
    expect(applied).toEqual([[1, 2, 3]]);
    batch.push(4);
    frames.shift()?.(16);
    expect(applied).toEqual([[1, 2, 3], [4]]);
  });

  it('drains on a timer where no frames come (a hidden tab), and on demand', () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 1);
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const applied: string[][] = [];
    const batch = frameBatch<string>((items) => applied.push(items), 250);
    batch.push('a');
    vi.advanceTimersByTime(249);
    expect(applied).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(applied).toEqual([['a']]);
    batch.push('b');
    batch.flush();
    batch.flush();
    expect(applied).toEqual([['a'], ['b']]);
  });
});
