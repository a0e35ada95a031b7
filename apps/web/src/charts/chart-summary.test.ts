import { describe, expect, it } from 'vitest';
import { barFigures, latestFigures } from './chart-summary';

describe('latestFigures', () => {
  it("gives each line's newest figure, passing over gaps and lines a newer row lacks", () => {
    const rows = [
      { t: 1, p: 10, a0: 4 },
      { t: 2, p: 20, a0: null },
      { t: 3, p: null, a0: null },
    ];
    const lines = [
      { key: 'p', name: 'produced' },
      { key: 'a0', name: 'analytics acked' },
      { key: 'd9', name: 'gone delivered' },
    ];
    expect(latestFigures(rows, lines, (value) => `${value}/s`)).toBe(
      'now: produced 20/s, analytics acked 4/s',
    );
    expect(latestFigures([], lines, String)).toBe('no figures yet');
  });
});

describe('barFigures', () => {
  it('reads the bars in order', () => {
    expect(
      barFigures([
        { label: 'worker-a', value: 3 },
        { label: 'worker-b', value: 0 },
      ]),
    ).toBe('worker-a 3, worker-b 0');
    expect(barFigures([])).toBe('nothing to show');
  });
});
