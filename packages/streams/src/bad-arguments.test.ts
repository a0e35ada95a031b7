import { createRequire } from 'node:module';
import path from 'node:path';
import {
  ConsumerWorker,
  DeadLetters,
  EventStream,
  likelyMeant,
  PartitionedStream,
  ProcessedIds,
  StreamArgumentError,
  StreamTail,
} from '@streamscope/streams';
import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

// Never connects: every case must be rejected before a command could reach Redis.
const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false, port: 1 });
const stream = new EventStream({ connection: redis, streamKey: 'test:bad-arguments' });

async function rejects(call: () => Promise<unknown>, message: RegExp): Promise<void> {
  await expect(call()).rejects.toThrow(StreamArgumentError);
  await expect(call()).rejects.toThrow(message);
}

describe('bad arguments are rejected with a clear message before any Redis call', () => {
  it('constructor options', () => {
    expect(() => new EventStream({ connection: redis, streamKey: '' })).toThrow(
      /streamKey must be a non-empty/,
    );
    expect(() => new EventStream({ connection: redis, streamKey: 'k', maxlenApprox: 0 })).toThrow(
      /maxlenApprox must be an integer >= 1, got 0/,
    );
    expect(() => new EventStream({ connection: redis, streamKey: 'k', claimMinIdleMs: -5 })).toThrow(
      /claimMinIdleMs/,
    );
    expect(() => new EventStream({ connection: 'localhost:6379', streamKey: 'k' })).toThrow(/redis:\/\/ URL/);
    // URLs ioredis would take and then fail on, out of the caller's reach (`SELECT NaN`), or not parse at all.
    for (const [url, problem] of [
      ['redis://127.0.0.1:6379/abc', 'the path must be a database number (redis://host:6379/0), not "abc"'],
      ['redis://[bad', 'is not a URL'],
      ['redis://a:99999', 'is not a URL'],
      ['redis://', 'names no host'],
      // ioredis reads the query as options: ?db=abc was SELECT NaN, after commands had run in database 0.
      ['redis://127.0.0.1:6379/?db=abc', '?db= must be a database number (?db=0), not "abc"'],
      ['redis://127.0.0.1:6379/2?db=3', 'names its database more than once'],
    ]) {
      expect(() => new EventStream({ connection: url as string, streamKey: 'k' }), url).toThrow(
        problem as string,
      );
    }
    // A URL read from an environment variable that is not set.
    expect(
      () => new EventStream({ connection: process.env.NO_SUCH_VARIABLE as string, streamKey: 'k' }),
    ).toThrow('connection must be a redis:// URL or an ioredis instance, got undefined');
    expect(() => new EventStream({ connection: { host: 'localhost' } as never, streamKey: 'k' })).toThrow(
      'connection must be a redis:// URL or an ioredis instance, got a plain object',
    );
    expect(() => new EventStream({ connection: {} as unknown as Redis, streamKey: 'k' })).toThrow(
      StreamArgumentError,
    );
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    expect(() => new EventStream({ connection: cluster as unknown as Redis, streamKey: 'k' })).toThrow(
      /a Cluster connection is not supported/,
    );
  });

  it('an ioredis client from another copy of ioredis is accepted; anything else is refused', () => {
    const other = separateIoredis();
    expect(other.Redis).not.toBe(Redis); // the library's `instanceof Redis` would fail on these
    const client = new other.Redis({ lazyConnect: true, enableOfflineQueue: false, port: 1 });
    const viaOther = new EventStream({ connection: client as unknown as Redis, streamKey: 'k' });
    expect(viaOther.redis).toBe(client);
    const cluster = new other.Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    expect(() => new EventStream({ connection: cluster as unknown as Redis, streamKey: 'k' })).toThrow(
      /a Cluster connection is not supported/,
    );
    const notIoredis = { status: 'ready', call: () => Promise.resolve(null) };
    expect(() => new EventStream({ connection: notIoredis as unknown as Redis, streamKey: 'k' })).toThrow(
      'connection must be a redis:// URL or an ioredis instance',
    );
    expect(() => new EventStream({ connection: null as unknown as Redis, streamKey: 'k' })).toThrow(
      StreamArgumentError,
    );
  });

  it('empty group or consumer names', async () => {
    await rejects(() => stream.ensureGroup(''), /group must be a non-empty string, got ""/);
    await rejects(() => stream.consume('g', '', 1, 0), /consumer must be a non-empty string/);
    await rejects(() => stream.ack('', ['1-0']), /group must be/);
    await rejects(() => stream.autoclaim('g', ''), /consumer must be/);
    await rejects(() => stream.handoverPending('g', 'a', ''), /to consumer must be/);
    await rejects(() => stream.handoverPending('g', 'a', 'a'), /over to itself/);
    await rejects(() => stream.deleteConsumer('g', ''), /consumer must be/);
    await rejects(() => stream.deleteGroup(''), /group must be/);
    await rejects(() => stream.infoConsumers(''), /group must be/);
    await rejects(() => stream.pendingSummary(''), /group must be/);
    await rejects(() => stream.pendingDetail('g', { consumer: '' }), /consumer must be/);
  });

  it('counts below 1 and non-integers', async () => {
    for (const count of [0, -1, 1.5, Number.NaN]) {
      await rejects(() => stream.consume('g', 'c', count, 0), /count must be an integer >= 1/);
      await rejects(() => stream.consumeOwnPel('g', 'c', count), /count must be an integer >= 1/);
      await rejects(() => stream.consumeBacklog('g', 'c', count), /count must be an integer >= 1/);
      await rejects(() => stream.replay('-', '+', count), /count must be an integer >= 1/);
      await rejects(() => stream.tail(count), /count must be an integer >= 1/);
      await rejects(() => stream.newestAfter('0-0', count), /count must be an integer >= 1/);
      await rejects(() => stream.pendingDetail('g', { count }), /count must be an integer >= 1/);
      await rejects(() => stream.autoclaim('g', 'c', { pageCount: count }), /pageCount must be/);
      await rejects(() => stream.autoclaim('g', 'c', { maxPages: count }), /maxPages must be/);
    }
    await rejects(() => stream.consume('g', 'c', 1, -1), /blockMs must be an integer >= 0/);
    await rejects(() => stream.trimMaxlen(-1), /maxlen must be an integer >= 0/);
    await rejects(() => stream.claim('g', 'c', ['1-0'], -1), /minIdleMs/);
    await rejects(() => stream.claimOne('g', '1-0', 'c', { minIdleMs: 1.5 }), /minIdleMs/);
    await rejects(() => stream.claimOne('g', '1-0', ''), /consumer must be/);
    await rejects(() => stream.entryPlaces('1-0', { maxGroups: 0 }), /maxGroups must be/);
  });

  it('malformed stream IDs', async () => {
    await rejects(() => stream.ensureGroup('g', 'latest'), /group start ID must be '\$' or a stream ID/);
    await rejects(() => stream.ensureGroup('g', '>'), /group start ID must be '\$' or a stream ID/);
    await rejects(() => stream.setGroupId('g', 'end'), /group start ID must be '\$' or a stream ID/);
    await rejects(() => stream.setGroupId('', '0-0'), /group must be a non-empty string/);
    await rejects(() => stream.replay('yesterday', '+'), /start must be '-', '\+', a stream ID/);
    await rejects(() => stream.replay('-', '1-2-3'), /end must be/);
    await rejects(() => stream.tail(1, 'newest'), /end must be/);
    await rejects(() => stream.newestAfter('(1-0', 1), /id must be a stream ID/);
    await rejects(() => stream.pendingDetail('g', { start: '>' }), /start must be/);
    await rejects(() => stream.ack('g', ['1-0', 'oops']), /every id must be a stream ID like .* got "oops"/);
    await rejects(() => stream.claim('g', 'c', ['-1'], 0), /every id must be a stream ID/);
    await rejects(() => stream.claimOne('g', '+', 'c'), /id must be a stream ID/);
    await rejects(() => stream.entryPlaces('latest'), /id must be a stream ID/);
    await rejects(
      () => stream.findByField('order_id', 'o-1', { before: 'now' }),
      /before must be a stream ID/,
    );
    await rejects(() => stream.findByField('', 'o-1'), /field must be a non-empty string/);
    await rejects(() => stream.findByField('order_id', 'o-1', { readMax: 0 }), /readMax must be/);
    await rejects(
      () => stream.findByField('order_id', 'o-1', { limit: 3 } as never),
      /unknown option "limit"/,
    );
    await rejects(() => stream.autoclaim('g', 'c', { startId: '+' }), /startId must be a stream ID/);
    await rejects(() => stream.trimMinid('1-x'), /minId must be a stream ID/);
    await rejects(() => stream.consumeOwnPel('g', 'c', 1, '>'), /afterId must be a stream ID/);
    await rejects(() => stream.typesOf(['1-0', 'x']), /every id must be a stream ID/);
    await rejects(() => stream.trimMinid('18446744073709551616-0'), /minId must be a stream ID/);
  });

  it('bad events', async () => {
    await rejects(() => stream.produce(''), /event type must be a non-empty string/);
    await rejects(() => stream.produce('t', { type: 'x' }), /payload field "type" is reserved/);
    // A Map's pairs are not its fields: its entry went in with no payload at all.
    await rejects(
      () => stream.produce('t', new Map([['a', '1']]) as never),
      /payload must be an object of field\/value pairs/,
    );
    await rejects(() => stream.produce('t', { ts_ms: '1' }), /payload field "ts_ms" is reserved/);
    // A requeue writes the original's ID there, and keeps one it finds.
    await rejects(
      () => stream.produce('t', { requeued_from: '1-0' }),
      /payload field "requeued_from" is reserved/,
    );
    await rejects(
      () => stream.produce('t', { amount: Number.NaN }),
      /payload field "amount" must be a finite number, got NaN/,
    );
    await rejects(
      () => stream.produceBatch([{ type: 't', payload: { amount: 1 / 0 } }]),
      /events\[0\]: payload field "amount" must be a finite number, got Infinity/,
    );
    await rejects(() => stream.produce('t', { nested: {} as unknown as string }), /must be a string, number/);
    await rejects(() => stream.produceBatch('nope' as unknown as []), /events must be an array/);
    await rejects(() => stream.produceBatch([{ type: 'ok' }, null as unknown as { type: string }]), /object/);
    await rejects(
      () => stream.produceBatch([{ type: 'ok' }, { type: '' }]),
      /events\[1\]: event type must be/,
    );
    // A hole in a sparse array is refused like any other bad element, before anything is appended.
    const sparse = Array.from({ length: 400 }, () => ({ type: 'ok' }));
    delete sparse[300];
    await rejects(() => stream.produceBatch(sparse), /events\[300\]: each event must be an object/);
    // Wider than the batch script can spread into one XADD: refused whole, the events before it included.
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, 'v']));
    await rejects(
      () => stream.produceBatch([{ type: 'a' }, { type: 'b' }, { type: 'wide', payload: wide }]),
      /events\[2\]: has 5,000 payload fields; a produceBatch event may have at most 3,900 \(append it with produce\(\)\)/,
    );
    // A misspelt key was dropped, and the event appended without its payload.
    await rejects(
      () => stream.produceBatch([{ type: 'order.paid', paylaod: { amount: '49.50' } } as never]),
      /events\[0\]: unknown key "paylaod" \(did you mean payload\?\); an event is \{ type, payload \}/,
    );
  });

  it('worker options and controls', () => {
    expect(() => new ConsumerWorker(stream, '', 'w')).toThrow(/group must be/);
    expect(() => new ConsumerWorker(stream, 'g', '')).toThrow(/consumer name must be/);
    // Redis would be sent U+FFFD for it, and start() could not name the worker's connection.
    expect(() => new ConsumerWorker(stream, 'g', 'pod\ud800')).toThrow(
      /consumer name must not contain a lone surrogate, got "pod\\ud800"/,
    );
    expect(() => new ConsumerWorker(stream, 'g', 'w', { count: 0 })).toThrow(/count must be an integer >= 1/);
    // Every entry's first delivery has count 1: at 1, none would ever reach a handler.
    expect(() => new ConsumerWorker(stream, 'g', 'w', { maxDeliveries: 1 })).toThrow(
      /maxDeliveries must be an integer >= 2, got 1/,
    );
    expect(() => new ConsumerWorker(stream, 'g', 'w', { blockMs: 0 })).toThrow(/blockMs must be/);
    expect(() => new ConsumerWorker(stream, 'g', 'w', { processLatencyMs: -1 })).toThrow(/processLatencyMs/);
    // Past a Node timer's longest wait it fires after 1 ms: a "monthly" reaper ran hundreds of times a second.
    const monthly = 30 * 86_400_000;
    expect(() => new ConsumerWorker(stream, 'g', 'w', { reapIntervalMs: monthly })).toThrow(
      /reapIntervalMs must be at most 2147483647 ms \(about 24.8 days, the longest a Node timer waits\), got 2592000000/,
    );
    expect(() => new ConsumerWorker(stream, 'g', 'w').setAutoReap(monthly)).toThrow(
      /reapIntervalMs must be at most/,
    );
    expect(() => new ConsumerWorker(stream, 'g', 'w', { maxBackoffMs: monthly })).toThrow(
      /maxBackoffMs must be at most/,
    );
    expect(() => new ConsumerWorker(stream, 'g', 'w', { handler: 'x' as never })).toThrow(/handler must be/);
    expect(() => new ConsumerWorker(stream, 'g', 'w', { handledAlready: true as never })).toThrow(
      /handledAlready must be a function, got true/,
    );
    expect(() => new ConsumerWorker(stream, 'g', 'w', { catchUpReads: 'fast' as never })).toThrow(
      /catchUpReads must be 'script' or 'plain', got "fast"/,
    );
    expect(() => new DeadLetters(stream, stream.streamKey)).toThrow(
      'the dead-letter key must differ from the stream key',
    );
    // Its requeue marks go beside it, at `<key>:requeued`: over the stream, they would break both.
    const marked = new EventStream({ connection: redis, streamKey: 'test:letters:requeued' });
    expect(() => new DeadLetters(marked, 'test:letters')).toThrow(
      'the dead-letter key "test:letters" would keep its requeue marks at "test:letters:requeued", the stream key: name another',
    );
    const otherStream = new EventStream({ connection: redis, streamKey: 'test:another' });
    expect(() => new ConsumerWorker(stream, 'g', 'w', { deadLetters: new DeadLetters(otherStream) })).toThrow(
      /deadLetters serves "test:another", not this worker's stream "test:bad-arguments"/,
    );
    expect(() => new ConsumerWorker(stream, 'g', 'w', { deadLetters: true as never })).toThrow(
      'deadLetters must be a DeadLetters of this stream (new DeadLetters(stream)) or null, got true',
    );
    const worker = new ConsumerWorker(stream, 'g', 'w');
    expect(() => worker.crashNext(0)).toThrow(/crash count must be an integer >= 1/);
  });

  it('options that are not objects, and trim modes that are not booleans', async () => {
    const notOptions = null as never;
    expect(() => new EventStream(notOptions)).toThrow(/EventStream options must be an object, got null/);
    expect(() => new ConsumerWorker(stream, 'g', 'w', notOptions)).toThrow(/ConsumerWorker options must be/);
    expect(() => new StreamTail(stream, notOptions)).toThrow(/StreamTail options must be an object/);
    expect(() => new DeadLetters(stream, undefined, notOptions)).toThrow(/DeadLetters options must be/);
    expect(() => new ProcessedIds(redis, 'k', notOptions)).toThrow(/ProcessedIds options must be/);
    expect(() => new PartitionedStream(notOptions)).toThrow(/PartitionedStream options must be/);
    const partitioned = new PartitionedStream({ connection: redis, baseKey: 'test:parts', partitions: 2 });
    expect(() => partitioned.workers('g', 'w', notOptions)).toThrow(/workers options must be/);
    expect(() => partitioned.workers('g', 'w', { deadLetters: new DeadLetters(stream) as never })).toThrow(
      StreamArgumentError,
    );
    await rejects(() => stream.autoclaim('g', 'c', notOptions), /autoclaim options must be/);
    await rejects(() => stream.autoclaim('g', 'c', { heldByCaller: '1-0' as never }), /heldByCaller must be/);
    await rejects(() => stream.pendingDetail('g', notOptions), /pendingDetail options must be/);
    await rejects(() => stream.handoverPending('g', 'a', 'b', notOptions), /handover options must be/);
    await rejects(() => stream.trimMaxlen(10, notOptions), /trim options must be/);
    // 'false' is a string, and truthy: it would have trimmed approximately.
    await rejects(() => stream.trimMaxlen(10, { approx: 'false' as never }), /approx must be true or false/);
    await rejects(() => stream.trimMinid('1-0', { approx: 0 as never }), /approx must be true or false/);
  });

  it('names the option likely meant by the same judgement an application can ask of likelyMeant', () => {
    const names = ['handler', 'count', 'blockMs'];
    expect(likelyMeant('hander', names)).toBe('handler');
    expect(likelyMeant('block', names)).toBe('blockMs');
    expect(likelyMeant('COUNT', names)).toBe('count');
    expect(likelyMeant('colour', names)).toBeUndefined();
  });

  it('misspelt or unknown option names, which TypeScript misses outside an object literal', async () => {
    // Ignored, `hander` left the default handler in place: every entry acked without being handled.
    const misspelt: Record<string, unknown> = { hander: () => {} };
    expect(() => new ConsumerWorker(stream, 'g', 'w', misspelt)).toThrow(StreamArgumentError);
    expect(() => new ConsumerWorker(stream, 'g', 'w', misspelt)).toThrow(
      /^ConsumerWorker options: unknown option "hander" \(did you mean handler\?\); the options are handler, count, /,
    );
    const cases: [() => unknown, RegExp][] = [
      [
        () => new EventStream({ connection: redis, streamKey: 'k', maxLen: 5 } as never),
        /EventStream options: unknown option "maxLen" \(did you mean maxlenApprox\?\); the options are connection, streamKey, maxlenApprox, claimMinIdleMs$/,
      ],
      [
        () =>
          new PartitionedStream({ connection: redis, baseKey: 'b', partitions: 2, partition: 3 } as never),
        /PartitionedStream options: unknown option "partition" \(did you mean partitions\?\)/,
      ],
      [
        () => new StreamTail(stream, { block: 100 } as never),
        /StreamTail options: .*"block" \(did you mean blockMs\?\)/,
      ],
      [
        () => new ProcessedIds(redis, 'k', { ttl: 5 } as never),
        /ProcessedIds options: unknown option "ttl"; the options/,
      ],
      [() => new DeadLetters(stream, undefined, { maxlen: 5 } as never), /did you mean maxlenApprox\?/],
      [
        () =>
          new PartitionedStream({ connection: redis, baseKey: 'b', partitions: 2 }).workers('g', 'w', {
            concurrency: 4,
          } as never),
        /workers options: unknown option "concurrency"/,
      ],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(StreamArgumentError);
      expect(make).toThrow(message);
    }
    await rejects(() => stream.autoclaim('g', 'c', { minIdle: 0 } as never), /did you mean minIdleMs\?/);
    // Ignored, `minIdelMs` left the default threshold in place, and the claim answered "not pending".
    await rejects(
      () => stream.claimOne('g', '1-0', 'c', { minIdelMs: 0 } as never),
      /did you mean minIdleMs\?/,
    );
    await rejects(
      () => stream.claimOne('g', '1-0', 'c', null as never),
      /claimOne options must be an object/,
    );
    await rejects(() => stream.entryPlaces('1-0', { maxGroup: 0 } as never), /did you mean maxGroups\?/);
    await rejects(
      () => new DeadLetters(stream).lettersOf('1-0', { scanmax: 0 } as never),
      /lettersOf options: unknown option "scanmax" \(did you mean scanMax\?\)/,
    );
    await rejects(
      () => stream.pendingDetail('g', { idle: 5 } as never),
      /pendingDetail options: unknown option "idle"/,
    );
    await rejects(() => stream.handoverPending('g', 'a', 'b', { dlq: 'k' } as never), /handover options/);
    // Read as exact, a misspelt `approx` would have trimmed exactly, at far more cost.
    await rejects(() => stream.trimMaxlen(10, { aprox: true } as never), /did you mean approx\?/);
    await rejects(
      () => new DeadLetters(stream).requeueThrough('1-0', { roomWait: 0 } as never),
      /requeueThrough options: unknown option "roomWait" \(did you mean roomWaitMs\?\)/,
    );
    await rejects(
      () =>
        new DeadLetters(stream).send('1-0', {
          group: 'g',
          consumer: 'c',
          deliveryCount: 1,
          reason: 'r',
          fields: null,
          pending: true,
        } as never),
      /dead-letter info: unknown option "pending"/,
    );
    // An option given as undefined is no mistake: it is the default (and its type says so: no cast).
    const fromEnvironment = process.env.NO_SUCH_COUNT;
    expect(
      () =>
        new ConsumerWorker(stream, 'g', 'w', {
          count: fromEnvironment ? Number(fromEnvironment) : undefined,
        }),
    ).not.toThrow();
  });

  it('what a dead letter records', async () => {
    const deadLetters = new DeadLetters(stream);
    const info = { group: 'g', consumer: 'c', deliveryCount: 5, reason: 'kept failing', fields: null };
    await rejects(() => deadLetters.send('1-0', null as never), /dead-letter info must be an object/);
    await rejects(() => deadLetters.send('1-0', { ...info, consumer: '' }), /consumer must be a non-empty/);
    await rejects(
      () => deadLetters.send('1-0', { ...info, deliveryCount: Number.NaN }),
      /deliveryCount must be an integer >= 0, got NaN/,
    );
    await rejects(
      () => deadLetters.send('1-0', { ...info, reason: undefined as never }),
      /reason must be a non-empty string/,
    );
    await rejects(
      () => deadLetters.send('1-0', { ...info, fields: 'type=order.paid' as never }),
      /fields \(or null when trimmed\) must be an object/,
    );
    await rejects(
      () => deadLetters.send('1-0', { ...info, fields: { type: 'x', ts_ms: 1 as never } }),
      /fields must hold strings, got 1 for field "ts_ms"/,
    );
    await rejects(
      () => deadLetters.send('1-0', { ...info, stillPending: 'yes' as never }),
      /stillPending must be true or false/,
    );
  });

  it('made no Redis call', () => {
    expect(redis.status).toBe('wait');
  });
});

/**
 * A second copy of ioredis, with classes of its own, as an application has when npm installs the library's
 * folder (a symlink, so the library resolves its own ioredis): loaded afresh, the module cache put back after.
 */
function separateIoredis(): typeof import('ioredis') {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('ioredis');
  const root = `${path.dirname(path.dirname(entry))}${path.sep}`;
  const cached = Object.keys(require.cache).filter((key) => key.startsWith(root));
  const saved = cached.map((key) => [key, require.cache[key]] as const);
  for (const key of cached) delete require.cache[key];
  try {
    return require(entry) as typeof import('ioredis');
  } finally {
    for (const key of Object.keys(require.cache)) if (key.startsWith(root)) delete require.cache[key];
    for (const [key, module] of saved) require.cache[key] = module;
  }
}

describe('StreamTail and ProcessedIds refuse bad arguments before any Redis call', () => {
  it('a tail, a worker or a dead-letter stream of something other than an EventStream', () => {
    const partitioned = new PartitionedStream({ connection: redis, baseKey: 'test:parts', partitions: 2 });
    const made = [
      ['StreamTail', (notAStream: never) => new StreamTail(notAStream)],
      ['ConsumerWorker', (notAStream: never) => new ConsumerWorker(notAStream, 'g', 'c')],
      ['DeadLetters', (notAStream: never) => new DeadLetters(notAStream)],
    ] as const;
    for (const [who, make] of made) {
      for (const [notAStream, shown] of [
        [partitioned, 'PartitionedStream'],
        [undefined, 'undefined'],
        ['test:bad-arguments', '"test:bad-arguments"'],
      ] as const) {
        expect(() => make(notAStream as never)).toThrow(StreamArgumentError);
        expect(() => make(notAStream as never)).toThrow(`${who} takes an EventStream, got ${shown}`);
      }
    }
    expect(() => new StreamTail(stream, { count: 0 })).toThrow(/count must be an integer >= 1, got 0/);
    expect(() => new StreamTail(stream, { paceMs: 30 * 86_400_000, count: 1 })).toThrow(
      /paceMs must be at most/,
    );
  });

  it('IDs that are not non-empty strings, which Redis would store as "" or "[object Object]"', async () => {
    const processed = new ProcessedIds(redis, 'test:processed');
    for (const id of [undefined, null, '', 12, { id: '1-0' }]) {
      await rejects(() => processed.has(id as never), /id must be a non-empty string/);
      await rejects(() => processed.add(id as never), /id must be a non-empty string/);
    }
    await rejects(
      () => processed.addMany(['1-0', '' as never]),
      /ids\[1\] must be a non-empty string, got ""/,
    );
    await rejects(() => processed.addMany('1-0' as never), /ids must be an array/);
    // Both would be stored as U+FFFD: one marked, the other taken for a duplicate.
    for (const id of ['order-\ud800', 'order-\udc00']) {
      await rejects(() => processed.add(id), /id must not contain a lone surrogate/);
      await rejects(() => processed.has(id), /id must not contain a lone surrogate/);
    }
  });

  it('a connection that is not an ioredis client', () => {
    for (const connection of ['redis://127.0.0.1:6379', undefined, {}]) {
      expect(() => new ProcessedIds(connection as never, 'k')).toThrow(StreamArgumentError);
      expect(() => new ProcessedIds(connection as never, 'k')).toThrow(/redis must be an ioredis client/);
    }
    // An EventStream, as the library's other helpers take: the refusal says what to pass instead.
    expect(() => new ProcessedIds({ redis } as never, 'k')).toThrow(
      'pass its connection: new ProcessedIds(stream.redis, key)',
    );
  });

  it('made no Redis call', () => {
    expect(redis.status).toBe('wait');
  });
});
