import { describe, expect, it } from 'vitest';
import { TRIM_LOSS, trimAction, trimLossQuestion, uncheckedTrimQuestion } from './trim-loss';

describe('trimAction', () => {
  it('names each trim as typed', () => {
    expect(trimAction('maxlen', ' 100 ', '~')).toBe('XTRIM MAXLEN ~ 100');
    expect(trimAction('maxlen', '0', '=')).toBe('XTRIM MAXLEN = 0');
    expect(trimAction('age', '60000', '~')).toBe('Trim entries older than 60000 ms');
    expect(trimAction('policy', '5000', '=')).toBe('Keep at most 5000 ms');
  });
});

describe('uncheckedTrimQuestion', () => {
  it('says the check failed and why, and asks whether to go on', () => {
    expect(uncheckedTrimQuestion('XTRIM MAXLEN ~ 0', 'Not connected')).toBe(
      'XTRIM MAXLEN ~ 0: what it would take could not be checked (Not connected).\n\nXTRIM MAXLEN ~ 0 anyway?',
    );
  });
});

describe('trimLossQuestion', () => {
  const summary = 'would remove 20 entries; analytics: 0 pending, 20 unread';

  it('says what the trim would take, what that means, and asks whether to go on', () => {
    expect(trimLossQuestion('XTRIM MAXLEN = 0', summary, false).split('\n\n')).toEqual([
      `XTRIM MAXLEN = 0: ${summary}.`,
      TRIM_LOSS,
      'XTRIM MAXLEN = 0 anyway?',
    ]);
  });

  it('says an approximate trim may remove fewer', () => {
    expect(trimLossQuestion('XTRIM MAXLEN ~ 0', summary, true).split('\n\n')[0]).toBe(
      `XTRIM MAXLEN ~ 0: ${summary} (with ~, Redis may remove fewer).`,
    );
  });
});
