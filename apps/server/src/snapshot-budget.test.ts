import { LIMITS, type ServerMessage, type Snapshot } from '@streamscope/protocol';
import { DeadLetters, EventStream } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { boundedEntry, boundedLetter } from './live/bounded-view.js';
import { SocketClient } from './testing/socket-client.js';
import { json, useTestServers } from './testing/test-server.js';

// What a snapshot reads of another application's huge entries and dead letters, and pushes of them, four times a
// second to every page: a bounded part, whatever is in Redis.
const redisSuite = usePrivateRedis();
const start = useTestServers(redisSuite);

const isSnapshot = (message: ServerMessage): message is Snapshot => message.type === 'snapshot';

const letterMeta = (original: string) => [
  ...['dlq_original_id', original, 'dlq_group', 'billing', 'dlq_consumer', 'worker-a'],
  ...['dlq_delivery_count', '5', 'dlq_reason', 'handler failed', 'dlq_ts_ms', '1700000000000'],
];

/** A page: its socket, and the size of every snapshot pushed to it, as sent. */
async function page(url: string) {
  const socket = await SocketClient.connect(url);
  const snapshotBytes: number[] = [];
  socket.socket.on('message', (data: Buffer) => {
    if (data.includes('"type":"snapshot"')) snapshotBytes.push(data.length);
  });
  return { socket, snapshotBytes };
}

describe('the snapshot of a stream and a DLQ of huge entries', () => {
  it('pushes the newest of 50 letters of 1 MB and of entries of 2 MB within its budget, says how many it left out, and acts on them by ID', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('huge-snapshot');
    const twoMegabytes = 'E'.repeat(2 * 1024 * 1024);
    const megabyte = 'V'.repeat(1024 * 1024);
    for (let n = 0; n < 5; n++)
      await redis.xadd(streamKey, '*', 'type', 'report.generated', 'body', twoMegabytes);
    const letters: string[] = [];
    for (let n = 0; n < 50; n++) {
      letters.unshift(
        (await redis.xadd(`${streamKey}:dlq`, '*', ...letterMeta(`1-${n}`), 'body', megabyte)) ?? '',
      );
    }
    const [newest = '', second = '', third = ''] = letters;
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const { socket, snapshotBytes } = await page(server.server.url);
    try {
      const snapshot = await socket.next(isSnapshot);
      // A snapshot reads a megabyte of each, and the first always: one letter, one entry, each cut at 1,000 characters.
      expect(snapshot.dlq).toMatchObject({ length: 50, omitted: 49 });
      expect(snapshot.dlq.newest.map((letter) => letter.id)).toEqual(letters.slice(0, 1));
      expect(snapshot.dlq.newest[0]).toMatchObject({
        originalId: '1-49',
        fields: { body: `${'V'.repeat(1_000)}…` },
        cut: { fields: 0, values: 1 },
      });
      expect(snapshot.tail).toHaveLength(1);
      expect(snapshot.tailOmitted).toBe(4);
      expect(snapshot.tail[0]?.fields.body).toHaveLength(1_001);
      // Another snapshot or two, each as small.
      await socket.next((message) => isSnapshot(message) && message.seq >= snapshot.seq + 2);
      expect(snapshotBytes.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...snapshotBytes)).toBeLessThan(32 * 1024);

      // The server answers while it pushes them, and the IDs shown are whole: the timeline, requeue and discard
      // take them, and Requeue writes the letter back whole.
      const tailId = snapshot.tail[0]?.id ?? '';
      const history = await socket.request({ type: 'entry.history', id: tailId });
      expect(history).toMatchObject({ type: 'result', result: { id: tailId } });
      const requeued = await socket.request({ type: 'dlq.requeue', id: newest });
      if (requeued.type !== 'result') throw new Error(JSON.stringify(requeued));
      const { requeuedAs } = requeued.result as { requeuedAs: string };
      const [[, written] = ['', []]] = (await redis.xrange(streamKey, requeuedAs, requeuedAs)) as [
        string,
        string[],
      ][];
      expect(written).toEqual(['body', megabyte, 'requeued_from', '1-49']);
      const next = await socket.next(
        (message): message is Snapshot => isSnapshot(message) && message.dlq.newest[0]?.id === second,
      );
      expect(next.dlq).toMatchObject({ length: 49, omitted: 48 });
      expect(await socket.request({ type: 'dlq.discard', id: second })).toMatchObject({
        type: 'result',
        result: { discarded: true },
      });
      // The letters left out are listed on request, before the last one shown.
      const listed = await json(
        server.server.app.request('/api/dlq/list', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ count: 5, before: third }),
        }),
      );
      expect(listed.entries.map((letter: { id: string }) => letter.id)).toEqual(letters.slice(3, 8));
    } finally {
      await socket.close();
    }
  });

  it("reads a group's pending entries of 1 MB for their types up to a megabyte, and says which it did not read", async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('huge-pending');
    const megabyte = 'P'.repeat(1024 * 1024);
    for (let n = 0; n < 5; n++) await redis.xadd(streamKey, '*', 'type', `report.${n}`, 'body', megabyte);
    await redis.xgroup('CREATE', streamKey, 'billing', '0');
    await redis.xreadgroup('GROUP', 'billing', 'c', 'COUNT', 5, 'STREAMS', streamKey, '>');
    await redis.xgroup('CREATE', streamKey, 'audit', '$');
    await redis.xgroup('SETID', streamKey, 'audit', '0');
    await redis.xreadgroup('GROUP', 'audit', 'c', 'STREAMS', streamKey, '>');
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const state = await json<Snapshot>(server.server.app.request('/api/state'));
    const rows = (group: string) =>
      state.pending.rows
        .filter((row) => row.group === group)
        .map(({ eventType, typeNotRead }) => ({ eventType, typeNotRead }));
    expect(rows('billing')).toEqual([
      { eventType: 'report.0', typeNotRead: undefined },
      ...Array.from({ length: 4 }, () => ({ eventType: null, typeNotRead: true })),
    ]);
    // Each group has its megabyte.
    expect(rows('audit')[0]).toEqual({ eventType: 'report.0', typeNotRead: undefined });
    expect(JSON.stringify(state).length).toBeLessThan(64 * 1024);
  });

  it('shows as many letters of many long fields as fit in 256 KB, and the page is told the rest were left out', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('wide-letters');
    // About 150 KB each in Redis, about 100 KB each as sent: 100 fields of 1,000 characters.
    const fields = Array.from({ length: 100 }, (_, n) => [`field-${n}`, 'W'.repeat(1_500)]).flat();
    for (let n = 0; n < 10; n++)
      await redis.xadd(`${streamKey}:dlq`, '*', ...letterMeta(`1-${n}`), ...fields);
    await redis.xadd(streamKey, '*', 'type', 'order.created');
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const state = await json<Snapshot>(server.server.app.request('/api/state'));
    expect(state.dlq.newest).toHaveLength(2);
    expect(state.dlq.omitted).toBe(8);
    expect(state.dlq.newest[0]?.cut).toEqual({ fields: 0, values: 100 });
    const sent = Buffer.byteLength(JSON.stringify(state.dlq));
    expect(sent).toBeGreaterThan(180 * 1024);
    expect(sent).toBeLessThan(256 * 1024);
    expect(state.tailOmitted).toBeUndefined();
  });

  it('pushes an ordinary DLQ and tail exactly as read whole and bounded in the server', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('ordinary');
    const server = await start(['--stream-key', streamKey]);
    await server.server.pipeline.produce(30);
    const stream = new EventStream({ connection: redis, streamKey });
    const deadLetters = new DeadLetters(stream);
    for (const entry of await stream.tail(20)) {
      await deadLetters.send(entry.id, {
        group: 'notifications',
        consumer: 'worker-a',
        deliveryCount: 5,
        reason: 'Error: handler failed for order "o-1" —\tretry later',
        fields: entry.fields,
        stillPending: false,
      });
    }
    // Written by another client: no fixed fields, a name of its own, text past the Basic Multilingual Plane.
    await redis.xadd(streamKey, '*', '__proto__', 'x', 'note', '😀 naïve 字');
    await server.stop();
    const reader = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const state = await json<Snapshot>(reader.server.app.request('/api/state'));
    const tail = (await stream.tail(10)).map(boundedEntry);
    const letters = (await deadLetters.newest(50)).map(boundedLetter);
    expect(JSON.stringify(state.tail)).toBe(JSON.stringify(tail));
    expect(JSON.stringify(state.dlq.newest)).toBe(JSON.stringify(letters));
    expect(state.dlq.newest).toHaveLength(20);
    expect(Object.keys(state)).not.toContain('tailOmitted');
    expect(Object.keys(state.dlq)).toEqual(['key', 'length', 'newest']);
  });

  it("carries each worker's newest recent outcomes its card shows, where GET /state still lists the worker's whole ring", async () => {
    const server = await start(['--stream-key', uniqueStreamKey('recent'), '--process-latency-ms', '0']);
    await server.server.pipeline.produce(30);
    const worker = server.server.pipeline.pool.find('analytics', 'worker-c');
    await waitFor('worker-c to handle all 30', () => worker?.status().processed === 30);
    const state = await json<Snapshot>(server.server.app.request('/api/state'));
    const card = state.groups.find((group) => group.name === 'analytics')?.consumers[0]?.worker;
    const newestFirst = (worker?.recent() ?? []).reverse().map((outcome) => outcome.id);
    expect(newestFirst).toHaveLength(20);
    expect(card?.recent.map((outcome) => outcome.id)).toEqual(
      newestFirst.slice(0, LIMITS.snapshotRecentPerWorker),
    );
    const reference = await json<{ groups: { name: string; consumers_detail: { recent: unknown[] }[] }[] }>(
      server.server.app.request('/state'),
    );
    const analytics = reference.groups.find((group) => group.name === 'analytics');
    expect(analytics?.consumers_detail[0]?.recent).toHaveLength(20);
  });
});
