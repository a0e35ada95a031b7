import { describe, expect, it } from 'vitest';
import { webSocketUrl } from './ws-url';

describe('webSocketUrl', () => {
  it('uses the page origin and the matching scheme', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8788', search: '' })).toBe(
      'ws://127.0.0.1:8788/ws',
    );
    expect(webSocketUrl({ protocol: 'https:', host: 'demo.example', search: '' })).toBe(
      'wss://demo.example/ws',
    );
  });

  it("carries the page's token along, encoded", () => {
    expect(webSocketUrl({ protocol: 'http:', host: 'h:1', search: '?x=1&token=a%2Bb%20c' })).toBe(
      'ws://h:1/ws?token=a%2Bb%20c',
    );
    expect(webSocketUrl({ protocol: 'http:', host: 'h:1', search: '?token=' })).toBe('ws://h:1/ws');
  });
});
