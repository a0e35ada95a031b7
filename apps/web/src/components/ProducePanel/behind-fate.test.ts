import { describe, expect, it } from 'vitest';
import { behindFate, type FatePart } from './behind-fate';

/** The parts as a page reads them, a group's name as itself. */
const read = (parts: readonly FatePart[]) =>
  parts.map((part) => (typeof part === 'string' ? part : part.group)).join('');

describe('behindFate', () => {
  it('says a group under MAXLEN will lose entries once its lag reaches it, and about when', () => {
    const analytics = { name: 'analytics', ackedPerSec: 80, lag: 188 };
    expect(read(behindFate([analytics], 100, 2_000))).toBe(
      'it falls behind (lag 188) and will lose entries it has not read once its lag reaches MAXLEN ~ 2,000, in about 1 m 30 s at these rates',
    );
  });

  it('says each XADD now removes unread entries only once the lag is at MAXLEN or past it', () => {
    const analytics = { name: 'analytics', ackedPerSec: 80, lag: 2_000 };
    expect(read(behindFate([analytics], 100, 2_000))).toBe(
      'it is MAXLEN ~ 2,000 or more behind (lag 2,000): each XADD now removes entries it has not read',
    );
  });

  it('names each of several groups, on whichever side of MAXLEN it stands', () => {
    const parts = behindFate(
      [
        { name: 'analytics', ackedPerSec: 40, lag: 2_100 },
        { name: 'notifications', ackedPerSec: 1_500, lag: 1_000 },
      ],
      2_000,
      2_000,
    );
    expect(parts).toContainEqual({ group: 'analytics' });
    expect(read(parts)).toBe(
      'analytics is MAXLEN ~ 2,000 or more behind (lag 2,100): each XADD now removes entries it has not read; notifications falls behind (lag 1,000) and will lose entries it has not read once its lag reaches MAXLEN ~ 2,000, in about 2 s at these rates',
    );
  });

  it('gives no time when the measured rates show no growth, and no MAXLEN when the stream has none', () => {
    const analytics = { name: 'analytics', ackedPerSec: 80, lag: 500 };
    expect(read(behindFate([analytics], 80, 2_000))).toBe(
      'it falls behind (lag 500) and will lose entries it has not read once its lag reaches MAXLEN ~ 2,000',
    );
    expect(read(behindFate([analytics], 100, null))).toBe(
      'the stream grows, and a trim or a retention policy removes entries it has not read',
    );
    expect(read(behindFate([analytics, { ...analytics, name: 'audit' }], 100, null))).toMatch(
      /entries they have not read$/,
    );
  });
});
