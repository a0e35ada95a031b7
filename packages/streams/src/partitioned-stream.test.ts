import {
  type ConsumerWorker,
  DeadLetters,
  PartitionedProduceError,
  PartitionedStream,
  StreamArgumentError,
  type StreamEntry,
} from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';

const redisSuite = usePrivateRedis();

const orderEvents = (orders: number, perOrder: number) =>
  Array.from({ length: orders * perOrder }, (_, i) => ({
    key: `order-${i % orders}`,
    type: 'order.step',
    payload: { order_id: `order-${i % orders}`, step: Math.floor(i / orders) },
  }));

describe('PartitionedStream', () => {
  it('routes every event of one key to one partition, in order, and says where each landed', async () => {
    const stream = new PartitionedStream({
      connection: redisSuite.redis,
      baseKey: uniqueStreamKey('parts'),
      partitions: 4,
    });
    const events = orderEvents(40, 5);
    const landed = await stream.produceBatch(events);

    expect(landed).toHaveLength(events.length);
    for (const [position, where] of landed.entries()) {
      const key = events[position]?.key as string;
      expect(where.partition).toBe(String(stream.partitionOf(key)));
      expect(where.streamKey).toBe(`${stream.baseKey}:{${where.partition}}`);
    }
    // Each order's steps sit on one partition, in the order they were produced.
    for (let order = 0; order < 40; order++) {
      const partition = stream.streamFor(`order-${order}`);
      const steps = (await partition.replay('-', '+', 1000))
        .filter((entry) => entry.fields.order_id === `order-${order}`)
        .map((entry) => entry.fields.step);
      expect(steps).toEqual(['0', '1', '2', '3', '4']);
    }
    // 40 keys over 4 partitions: every partition gets some (CRC16 spreads them).
    const lengths = await Promise.all(stream.streams.map((partition) => partition.length()));
    expect(lengths.every((length) => length > 0)).toBe(true);
    expect(await stream.length()).toBe(200);
    expect(stream.stats().produced).toBe(200);

    const one = await stream.produce('order-7', 'order.paid', { amount: '9.50' });
    expect(one.streamKey).toBe(stream.streamFor('order-7').streamKey);
    expect((await stream.streamFor('order-7').tail(1))[0]?.id).toBe(one.id);
    await stream.deleteStreams();
  });

  it('routes by hash the way Redis Cluster does, so another client can compute the same partition', () => {
    const stream = new PartitionedStream({ connection: redisSuite.redis, baseKey: 'any', partitions: 16 });
    for (const key of ['customer-1', 'order-42', 'tenant:{acme}:7']) {
      expect(stream.partitionOf(key)).toBe(calculateSlot(key) % 16);
    }
  });

  it('keeps each partition and its dead-letter stream in one Redis Cluster slot', () => {
    const stream = new PartitionedStream({
      connection: redisSuite.redis,
      baseKey: 'events:orders',
      partitions: 8,
    });
    const slots = new Set<number>();
    for (const partition of stream.streams) {
      const letters = new DeadLetters(partition);
      expect(calculateSlot(letters.key)).toBe(calculateSlot(partition.streamKey));
      slots.add(calculateSlot(partition.streamKey));
    }
    expect(slots.size).toBe(8);
  });

  it('partitions by tenant name, as events:orders:{tenant_a}', async () => {
    const baseKey = uniqueStreamKey('tenants');
    const stream = new PartitionedStream({
      connection: redisSuite.server.url,
      baseKey,
      partitions: ['tenant_a', 'tenant_b'],
    });
    const landed = await stream.produceBatch([
      { key: 'tenant_b', type: 'order.placed' },
      { key: 'tenant_a', type: 'order.placed' },
      { key: 'tenant_b', type: 'order.paid' },
    ]);
    expect(landed.map((where) => where.streamKey)).toEqual([
      `${baseKey}:{tenant_b}`,
      `${baseKey}:{tenant_a}`,
      `${baseKey}:{tenant_b}`,
    ]);
    expect(
      (await stream.streamFor('tenant_b').replay('-', '+', 10)).map((entry) => entry.fields.type),
    ).toEqual(['order.placed', 'order.paid']);
    expect(() => stream.partitionOf('tenant_c')).toThrow(
      /no partition is named "tenant_c"; the partitions are tenant_a, tenant_b/,
    );
    await stream.deleteStreams();
    await stream.close();
  });

  it('a batch refused in one partition says where every event went in, the rest counted, and what to send again', async () => {
    const baseKey = uniqueStreamKey('tenants-refused');
    const stream = new PartitionedStream({
      connection: redisSuite.redis,
      baseKey,
      partitions: ['tenant_a', 'tenant_b', 'tenant_c'],
    });
    // Another client's string where tenant_b's stream should be: Redis refuses its XADD with WRONGTYPE.
    await redisSuite.redis.set(`${baseKey}:{tenant_b}`, 'not a stream');
    const events = ['tenant_a', 'tenant_b', 'tenant_c', 'tenant_b', 'tenant_a'].map((key) => ({
      key,
      type: 'order.placed',
    }));
    const refused = await stream.produceBatch(events).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PartitionedProduceError);
    const { landed, failures, message } = refused as PartitionedProduceError;
    expect(message).toMatch(
      /^XADD batch failed in partition\(s\) tenant_b: .*WRONGTYPE.* \(after appending 3 of the batch's 5 events\)$/,
    );
    expect(failures.map(({ partition }) => partition)).toEqual(['tenant_b']);
    expect(landed.map((where) => where?.partition ?? null)).toEqual([
      'tenant_a',
      null,
      'tenant_c',
      null,
      'tenant_a',
    ]);
    expect((await stream.streamFor('tenant_a').replay()).map((entry) => entry.id)).toEqual([
      landed[0]?.id,
      landed[4]?.id,
    ]);
    expect(stream.stats().produced).toBe(3);
    // Refused everywhere, nothing went in: the failure itself, as from one stream.
    const alone = await stream
      .produceBatch([{ key: 'tenant_b', type: 'order.placed' }])
      .catch((error: unknown) => error);
    expect(alone).not.toBeInstanceOf(PartitionedProduceError);
    expect(String(alone)).toMatch(/WRONGTYPE/);
    await redisSuite.redis.del(`${baseKey}:{tenant_b}`);
    await stream.deleteStreams();
    await stream.close();
  });

  it('consumes every partition with one worker each, and the handler knows which partition', async () => {
    const stream = new PartitionedStream({
      connection: redisSuite.redis,
      baseKey: uniqueStreamKey('parts-read'),
      partitions: 3,
    });
    await stream.ensureGroup('billing', '0-0');
    const landed = await stream.produceBatch(orderEvents(30, 2));
    const seen = new Map<string, string>(); // entry id -> the stream it was read from
    const workers: ConsumerWorker[] = stream.workers('billing', 'pod-1', {
      handler: (entry: StreamEntry, context) => {
        seen.set(`${context.streamKey} ${entry.id}`, context.streamKey);
      },
    });
    await Promise.all(workers.map((worker) => worker.start()));
    await waitFor('every event handled once', () => seen.size === landed.length);
    expect([...seen.keys()].sort()).toEqual(landed.map((where) => `${where.streamKey} ${where.id}`).sort());
    await Promise.all(workers.map((worker) => worker.close()));
    for (const partition of stream.streams) {
      expect((await partition.infoGroups())[0]).toMatchObject({ name: 'billing', pending: 0, lag: 0 });
    }
    await stream.deleteStreams();
  });

  it('checks every event before appending any, and says what was wrong', async () => {
    const stream = new PartitionedStream({
      connection: redisSuite.redis,
      baseKey: uniqueStreamKey('parts-bad'),
      partitions: 2,
    });
    const good = { key: 'a', type: 'order.placed' };
    const cases: [unknown, RegExp][] = [
      [[good, { key: '', type: 'x' }], /partition key must be a non-empty string/],
      [[good, { type: 'x' }], /events\[1\]: partition key must be a non-empty string, got undefined/],
      [[good, { key: 'b', type: '' }], /event type must be a non-empty string/],
      [[good, { key: 'b', type: 'x', payload: { ts_ms: 1 } }], /payload field "ts_ms" is reserved/],
      [[good, null], /events\[1\]: each event must be an object/],
      // A hole in a sparse array is an event like any other: refused, not skipped.
      // biome-ignore lint/suspicious/noSparseArray: the hole is the point
      [[good, , good], /events\[1\]: each event must be an object \{ type, payload \}, got undefined/],
      ['not an array', /events must be an array/],
    ];
    for (const [events, message] of cases) {
      await expect(stream.produceBatch(events as never)).rejects.toThrow(message);
      await expect(stream.produceBatch(events as never)).rejects.toBeInstanceOf(StreamArgumentError);
    }
    await expect(stream.produce('a', '')).rejects.toThrow(/event type must be a non-empty string/);
    expect(await stream.length()).toBe(0);
  });

  it("gives each partition its own dead-letter stream, and a poison pill goes to its partition's", async () => {
    const stream = new PartitionedStream({
      connection: redisSuite.redis,
      baseKey: uniqueStreamKey('parts-dlq'),
      partitions: 2,
      claimMinIdleMs: 0,
    });
    await stream.ensureGroup('billing', '0-0');
    const poison = await stream.produce('order-1', 'order.poison');
    const healthy = await stream.produce('order-2', 'order.placed');
    const workers = stream.workers('billing', 'pod-1', {
      deadLetters: true,
      maxDeliveries: 2,
      handler: (entry) => {
        if (entry.fields.type === 'order.poison') throw new Error('cannot handle this one');
      },
    });
    await Promise.all(workers.map((worker) => worker.start()));
    // Its second delivery (by the reaper, past the claim threshold of 0) reaches maxDeliveries.
    const poisoned = workers[stream.names.indexOf(poison.partition)] as ConsumerWorker;
    await waitFor('the poison pill dead-lettered', async () => {
      await poisoned.reapIdlePel();
      return (await new DeadLetters(stream.streamFor('order-1')).length()) === 1;
    });
    const [letter] = await new DeadLetters(stream.streamFor('order-1')).newest(1);
    expect(letter).toMatchObject({ originalId: poison.id, group: 'billing' });
    if (poison.partition !== healthy.partition) {
      expect(await new DeadLetters(stream.streamFor('order-2')).length()).toBe(0);
    }
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all(stream.streams.map((partition) => new DeadLetters(partition).clear()));
    await stream.deleteStreams();
  });

  it('leaves a shared connection open when its options are refused', async () => {
    expect(
      () =>
        new PartitionedStream({ connection: redisSuite.redis, baseKey: 'k', partitions: 2, maxlenApprox: 0 }),
    ).toThrow(/maxlenApprox must be an integer >= 1/);
    expect(await redisSuite.redis.ping()).toBe('PONG');
  });

  it('refuses bad options before opening a connection', () => {
    const bad: [object, RegExp][] = [
      [{ partitions: 0 }, /partitions must be an integer >= 1, got 0/],
      [{ partitions: 2.5 }, /partitions must be an integer >= 1/],
      [{ partitions: 5000 }, /partitions must be at most 1024, got 5000/],
      [{ partitions: [] }, /partitions must be a count or a non-empty array of names/],
      [{ partitions: ['a', 'a'] }, /partition name "a" is given twice/],
      [{ partitions: ['a{b'] }, /partition name "a\{b" must not contain \{ or \}/],
      [{ partitions: [''] }, /partition name must be a non-empty string/],
      [{ baseKey: '' }, /baseKey must be a non-empty string/],
      [{ baseKey: 'events:{orders}' }, /baseKey "events:\{orders\}" must not contain \{ or \}/],
      [{ connection: 'localhost:6379' }, /connection must be a redis:\/\/ URL/],
      [{ maxlenApprox: 0 }, /maxlenApprox must be an integer >= 1/],
    ];
    for (const [override, message] of bad) {
      expect(
        () =>
          new PartitionedStream({
            connection: redisSuite.server.url,
            baseKey: 'k',
            partitions: 2,
            ...override,
          } as never),
      ).toThrow(message);
    }
  });
});
