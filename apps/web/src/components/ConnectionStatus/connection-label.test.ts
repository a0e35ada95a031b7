import { describe, expect, it } from 'vitest';
import { connectionLabel } from './connection-label';

const base = { retryAt: null, failures: 0, everConnected: false, refused: null } as const;

describe('connectionLabel', () => {
  it('names each state', () => {
    expect(connectionLabel({ ...base, status: 'open' }, 0)).toEqual({ text: 'connected', countdown: null });
    expect(connectionLabel({ ...base, status: 'connecting' }, 0).text).toBe('connecting…');
    expect(connectionLabel({ ...base, status: 'connecting', everConnected: true }, 0).text).toBe(
      'reconnecting…',
    );
  });

  it('counts down whole seconds to the next attempt, never below 1, apart from what is announced', () => {
    expect(connectionLabel({ ...base, status: 'waiting', retryAt: 3_200 }, 1_000)).toEqual({
      text: 'disconnected — reconnecting',
      countdown: ' in 3s',
    });
    expect(connectionLabel({ ...base, status: 'waiting', retryAt: 1_000 }, 1_000).countdown).toBe(' in 1s');
  });

  it('says why, while waiting, when the server turned the page away', () => {
    const refused =
      'this server needs its token: open the page as /?token=… with the token it was started with';
    expect(connectionLabel({ ...base, status: 'waiting', retryAt: 2_000, refused }, 1_000)).toEqual({
      text: `refused: ${refused}; trying again`,
      countdown: ' in 1s',
    });
  });
});
