import { EventStream, StreamError } from '@streamscope/streams';
import { freePort, waitFor } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

describe('closing a stream whose Redis cannot be reached', () => {
  it('fails the commands it held, and those sent later, instead of leaving them waiting for good', async () => {
    // Nothing listens there: the connection opened from the URL keeps trying, commands wait in its queue.
    const stream = new EventStream({
      connection: `redis://127.0.0.1:${await freePort()}`,
      streamKey: 'test:unreachable',
    });
    const produced = stream.produce('order.placed');
    produced.catch(() => {});
    // Between two attempts: the state in which a close left the client waiting forever.
    await waitFor('a reconnect attempt to be scheduled', () => stream.redis.status === 'reconnecting');
    await stream.close();
    await expect(produced).rejects.toThrow(StreamError);
    await expect(produced).rejects.toThrow('XADD failed: Connection is closed.');
    await expect(stream.produce('order.paid')).rejects.toThrow('XADD failed: Connection is closed.');
    expect(stream.redis.status).toBe('end');
    await stream.close(); // twice is fine
  });

  it('says Redis could not be reached when ioredis gives up on a command', async () => {
    // The application's own client, told to give up at the first failed attempt (ioredis waits out 20).
    const redis = new Redis({ port: await freePort(), maxRetriesPerRequest: 0 });
    redis.on('error', () => {});
    const stream = new EventStream({ connection: redis, streamKey: 'test:unreachable' });
    try {
      await expect(stream.produce('order.placed')).rejects.toThrow(
        /^XADD failed: Redis could not be reached: Reached the max retries per request limit/,
      );
    } finally {
      redis.disconnect();
    }
  });
});
