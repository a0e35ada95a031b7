import { describe, expect, it } from 'vitest';
import { CommandError } from '../../socket/command-error';
import { failedFeedback } from './letter-feedback';

describe('failedFeedback', () => {
  it('leads the error with what was tried', () => {
    expect(failedFeedback('Requeue 5-0', new Error('not found'))).toEqual({
      error: 'Requeue 5-0: not found',
      offline: false,
      unavailable: false,
      done: null,
    });
    expect(failedFeedback('Discard all', 'boom').error).toBe('Discard all: boom');
  });

  it('marks an error that goes once the page is connected again', () => {
    const offline = new CommandError('offline', 'Not connected to the server', 'r1');
    expect(failedFeedback('Discard 5-0', offline)).toMatchObject({ offline: true, unavailable: false });
  });

  it('marks an error that goes once Redis is back', () => {
    const away = new CommandError('unavailable', 'Redis is unavailable: connection refused', 'r2');
    expect(failedFeedback('Requeue all', away)).toMatchObject({ offline: false, unavailable: true });
  });
});
