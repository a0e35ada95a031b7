import { EventStream, StreamError } from '@streamscope/streams';
import { freePort, waitFor } from '@streamscope/testkit';
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
});
