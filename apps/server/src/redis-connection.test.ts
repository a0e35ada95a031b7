import { freePort, usePrivateRedis } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from './redis-connection.js';

// The shared Redis on 6379 always answers on this machine, so the fallback is driven through a default
// address where nothing listens: a free loopback port.
describe('choosing a Redis', () => {
  const named = usePrivateRedis();
  let silent: string;

  beforeAll(async () => {
    silent = `redis://127.0.0.1:${await freePort()}`;
  });

  it('uses the named Redis when it answers, and names it when it does not', async () => {
    const target = { url: named.server.url, label: `${named.server.host}:${named.server.port}` };
    expect(await connectRedis({ redisTarget: target }, silent)).toEqual({ ...target, embedded: null });
    await expect(connectRedis({ redisTarget: { url: silent, label: 'cache:1' } })).rejects.toThrow(
      /no Redis answers at cache:1/,
    );
  });

  it('says why a named Redis did not answer: refused, or TLS asked of one that speaks none', async () => {
    await expect(connectRedis({ redisTarget: { url: silent, label: 'cache:1' } })).rejects.toThrow(
      /no Redis answers at cache:1 \(connect ECONNREFUSED [^)]*\)/,
    );
    const plain = named.server.url.replace(/^redis:/, 'rediss:');
    await expect(connectRedis({ redisTarget: { url: plain, label: 'plain:1' } })).rejects.toThrow(
      /^no Redis answers at plain:1 over TLS \(rediss:\/\/\): is TLS on at that port, or did you mean redis:\/\/\?/,
    );
  });

  it('refuses a database the named Redis does not have, rather than going on in database 0', async () => {
    const target = (database: number) => ({
      url: `${named.server.url}/${database}`,
      label: `${named.server.host}:${named.server.port}`,
    });
    await expect(connectRedis({ redisTarget: target(99) }, silent)).rejects.toThrow(
      `Redis at ${target(99).label} has no database 99 (ERR DB index is out of range): name one it has`,
    );
    expect(await connectRedis({ redisTarget: target(3) }, silent)).toEqual({ ...target(3), embedded: null });
  });

  it('uses the default address when something answers there', async () => {
    const connection = await connectRedis({ redisTarget: null }, named.server.url);
    expect(connection).toMatchObject({
      url: named.server.url,
      label: `${named.server.host}:${named.server.port}`,
      embedded: null,
    });
  });

  it('starts a private redis-server when none was named and nothing answers', async () => {
    const connection = await connectRedis({ redisTarget: null }, silent);
    try {
      expect(connection.embedded).not.toBeNull();
      const redis = new Redis(connection.url);
      try {
        expect(await redis.ping()).toBe('PONG');
        // Private means no persistence: nothing on disk to outlive the server.
        expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      } finally {
        redis.disconnect();
      }
    } finally {
      await connection.embedded?.stop();
    }
  });

  it('says how to get one when there is no redis-server on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(connectRedis({ redisTarget: null }, silent)).rejects.toThrow(
        /no redis-server on PATH: install it \(apt-get install redis-server\) or point at one with --redis-url/,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
