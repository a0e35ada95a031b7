import { createConnection } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { RedisServer } from './redis-server.js';

/** One PING over a plain socket: no client library retrying behind our back. */
function ping(server: RedisServer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(server.port, server.host);
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(String(data).trim());
    });
  });
}

let server: RedisServer | undefined;
afterEach(async () => {
  await server?.stop();
});

it('accepts connections as soon as start() and restart() resolve', async () => {
  server = await RedisServer.start({ appendOnly: true });
  expect(await ping(server)).toBe('+PONG');
  // Each restart used to resolve on the first run's "Ready to accept connections", still in the log, and a
  // client connecting then was refused (ECONNREFUSED) while the new process was still starting.
  for (let restart = 0; restart < 3; restart++) {
    await server.kill();
    expect(server.running).toBe(false);
    await server.restart();
    expect(await ping(server)).toBe('+PONG');
  }
});
