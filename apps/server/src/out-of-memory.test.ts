import type { Snapshot } from '@streamscope/protocol';
import { waitFor } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketClient } from './testing/socket-client.js';
import { json, postJson, startTestServer, type TestServer } from './testing/test-server.js';

let test: TestServer;
let admin: Redis;
const logged: string[] = [];
beforeAll(async () => {
  test = await startTestServer(['--max-deliveries', '2'], { log: (line) => logged.push(line) });
  admin = new Redis(test.redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await test?.stop();
});

const post = (path: string, body: unknown = {}) => postJson(test, path, body);
const state = () => json<Snapshot>(test.server.app.request('/api/state'));
/** A maxmemory of one byte under `noeviction`: every command that would take memory is refused with OOM. */
const runOutOfMemory = async () => {
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
  await admin.config('SET', 'maxmemory', '1');
};
const freeMemory = () => admin.config('SET', 'maxmemory', '0');
const pendingIn = async (group: string) =>
  Number((await admin.xpending(test.server.pipeline.stream.streamKey, group))[0]);

describe('Redis out of memory (maxmemory reached, noeviction)', () => {
  it('refuses writes saying so (503), workers still ack, and a poison pill is dead-lettered once memory returns', async () => {
    const { streamKey } = test.server.pipeline.stream;
    const deadLetterKey = test.server.pipeline.deadLetters.key;
    const socket = await SocketClient.connect(test.server.url);
    try {
      const { ids: poison } = await json(post('/api/poison/inject', { count: 1 }));
      await waitFor('both groups to hold the pill, failed once', async () => {
        return (await pendingIn('notifications')) === 1 && (await pendingIn('analytics')) === 1;
      });
      expect((await post('/api/consumer/pause', { group: 'analytics', name: 'worker-c' })).status).toBe(200);
      const { lastId } = await json(post('/api/produce', { count: 10 }));

      await runOutOfMemory();
      // Said in plain words, as passing (503), not as an internal error carrying a script's SHA.
      const refused = await post('/api/produce', { count: 5 });
      expect(refused.status).toBe(503);
      expect(await json(refused)).toEqual({
        code: 'unavailable',
        message: expect.stringMatching(
          /^Redis is out of memory: .* until memory is freed or maxmemory is raised/,
        ),
      });
      expect(await socket.request({ type: 'poison.inject', count: 1 })).toMatchObject({
        type: 'error',
        code: 'unavailable',
        message: expect.stringMatching(/^Redis is out of memory/),
      });
      // A choice is in force though its save failed, and the answer says why the save failed.
      const resumed = await post('/api/consumer/resume', { group: 'analytics', name: 'worker-c' });
      expect(resumed.status).toBe(503);
      expect((await json(resumed)).message).toMatch(
        /^consumer analytics\/worker-c is resumed on this server, but saving that .* failed, .* \(Redis is out of memory: /,
      );
      // XREADGROUP and XACK take no memory to speak of: the resumed worker reads and acks the 10 entries.
      await waitFor('analytics to ack the entries produced before', async () => {
        const analytics = (await state()).groups.find((group) => group.name === 'analytics');
        return analytics?.lastDeliveredId === lastId && analytics?.pending === 1;
      });
      // Claiming the pill at its delivery limit would write its dead letter: the claim is refused whole, the pill
      // left pending (not claimed without its letter).
      await waitFor('the pill to sit past the claim threshold', async () => {
        const [row] = (await admin.xpending(streamKey, 'analytics', '-', '+', 1)) as [
          string,
          string,
          number,
        ][];
        return (row?.[2] ?? 0) >= 200;
      });
      const claim = await post('/api/autoclaim', { group: 'analytics', consumer: 'worker-c' });
      expect(claim.status).toBe(503);
      expect((await json(claim)).message).toMatch(/^Redis is out of memory/);
      const lettersOf = async (id: string) =>
        (await admin.xrange(deadLetterKey, '-', '+')).filter(([, fields]) => fields.includes(id));
      expect(await lettersOf(poison[0])).toEqual([]);
      expect(await pendingIn('analytics')).toBe(1);

      await freeMemory();
      expect((await post('/api/produce', { count: 5 })).status).toBe(200);
      // Now both groups' copies reach the DLQ, each once.
      for (const [group, consumer] of [
        ['analytics', 'worker-c'],
        ['notifications', 'worker-a'],
      ] as const) {
        await waitFor(`${group}'s pill to be dead-lettered`, async () => {
          if ((await pendingIn(group)) === 0) return true;
          await post('/api/autoclaim', { group, consumer });
          return false;
        });
      }
      const letters = await lettersOf(poison[0]);
      expect(letters.map(([, fields]) => fields[fields.indexOf('dlq_group') + 1]).sort()).toEqual([
        'analytics',
        'notifications',
      ]);
    } finally {
      await freeMemory();
      await socket.close();
    }
  });

  it('the continuous producer says since when and why its appends fail, on the page and in /metrics, and logs it once', async () => {
    const producerLines = () => logged.filter((line) => line.startsWith('producer: '));
    const failing = async () => (await state()).producer.failing;
    logged.length = 0;
    await runOutOfMemory();
    try {
      expect((await post('/api/producer/start', { rate: 500 })).status).toBe(200);
      await waitFor('batches to fail', async () => ((await failing())?.batches ?? 0) >= 5);
      expect(await failing()).toEqual({
        since: expect.any(Number),
        batches: expect.any(Number),
        reason: expect.stringMatching(/^Redis is out of memory: /),
      });
      const scrape = await (await test.server.app.request('/metrics')).text();
      expect(scrape).toMatch(/^streamscope_producer_failing_batches [1-9]\d*$/m);
      // One line for the whole run of failures, where every batch (50 a second) used to log its own.
      expect(producerLines()).toEqual([
        expect.stringMatching(/^producer: appends failing \(XADD batch failed: OOM command not allowed/),
      ]);
    } finally {
      await freeMemory();
    }
    await waitFor('appends to land again', async () => (await failing()) === null);
    expect(producerLines()).toEqual([
      expect.any(String),
      expect.stringMatching(/^producer: appending again, after [\d.]+ s in which \d+ batch\(es\) failed/),
    ]);
    expect((await post('/api/producer/stop')).status).toBe(200);
  });
});
