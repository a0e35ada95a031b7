import { describe, expect, it } from 'vitest';
import { formatTick } from './chart-theme';

describe('formatTick', () => {
  it('shortens big numbers without misstating a tick between two others', () => {
    expect([550, 1_100, 1_650, 2_200].map(formatTick)).toEqual(['550', '1.1K', '1.65K', '2.2K']);
    expect([0, 20_000, 1_250_000].map(formatTick)).toEqual(['0', '20K', '1.25M']);
  });
});
