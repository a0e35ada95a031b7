import { performance } from 'node:perf_hooks';
import { parseConfig, type RunningServer, startServer } from '@streamscope/server';
import { type EventInput, EventStream } from '@streamscope/streams';
import { type RedisServer, uniqueStreamKey } from '@streamscope/testkit';
import { WebSocket } from 'ws';
import { percentile } from './report.js';

/** The demo server on a private Redis: no simulated work, so the figures are the pipeline's own cost. */
async function demoServer(redis: RedisServer): Promise<RunningServer> {
  const config = parseConfig(
    [
      ...['--port', '0', '--redis-url', redis.url, '--stream-key', uniqueStreamKey('bench-server')],
      ...['--maxlen', '1000000', '--process-latency-ms', '0', '--claim-idle-ms', '0'],
    ],
    {},
  );
  return startServer(config);
}

/** Opens `count` dashboard sockets that read everything the server pushes, as browsers would. */
async function connectClients(
  url: string,
  count: number,
): Promise<{ received: () => number; close: () => void }> {
  let bytes = 0;
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
          socket.on('message', (data: Buffer) => {
            bytes += data.length;
          });
          socket.once('open', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  return {
    received: () => bytes,
    close: () => {
      for (const socket of sockets) socket.terminate();
    },
  };
}

export interface WorkerThroughput {
  readonly clients: number;
  readonly events: number;
  /** Acks per second across both seed groups (each entry is acked once per group). */
  readonly ackedPerSecond: number;
  readonly bytesPushed: number;
}

/**
 * How fast the seeded workers (three, in two groups) ack a burst of `events` entries while `clients`
 * dashboards are connected: the live feed must not cost the pipeline its throughput.
 */
export async function workerThroughput(
  redis: RedisServer,
  clients: number,
  events = 100_000,
): Promise<WorkerThroughput> {
  const server = await demoServer(redis);
  const dashboards = await connectClients(server.url, clients);
  const producer = new EventStream({
    connection: redis.url,
    streamKey: server.pipeline.stream.streamKey,
    maxlenApprox: null,
  });
  try {
    const batch: EventInput[] = Array.from({ length: 1000 }, (_, index) => ({
      type: 'order.placed',
      payload: { order_id: `o-${index}`, customer: 'alice', amount: '49.50' },
    }));
    const started = performance.now();
    for (let sent = 0; sent < events; sent += batch.length) await producer.produceBatch(batch);
    const expected = events * 2;
    while (server.pipeline.totals().acked < expected) await new Promise((resolve) => setTimeout(resolve, 5));
    const ms = performance.now() - started;
    return { clients, events, ackedPerSecond: (expected * 1000) / ms, bytesPushed: dashboards.received() };
  } finally {
    dashboards.close();
    await producer.close();
    await server.close();
  }
}

export interface SnapshotCost {
  readonly consumers: number;
  readonly pending: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bytes: number;
}

/** Time to build and serialise one snapshot with 10 consumers and 1,000 pending entries. */
export async function snapshotBuildTime(redis: RedisServer, rounds = 200): Promise<SnapshotCost> {
  const server = await demoServer(redis);
  try {
    const { pipeline } = server;
    for (let index = 0; index < 7; index++) await pipeline.pool.add('notifications', `extra-${index}`);
    const workers = pipeline.pool.workers();
    // Every notifications consumer drops whatever it gets: all 1,000 entries stay pending there, spread
    // over its nine consumers; analytics (the tenth) acks them.
    for (const worker of workers) if (worker.group === 'notifications') worker.crashNext(1_000);
    await pipeline.produce(1_000);
    const totalPending = async () =>
      (await pipeline.stream.infoGroups()).reduce((sum, group) => sum + group.pending, 0);
    const deadline = Date.now() + 10_000;
    while ((await totalPending()) < 1_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const pending = await totalPending();
    const timings: number[] = [];
    let bytes = 0;
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      const response = await server.app.request('/api/state');
      bytes = (await response.text()).length;
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    return {
      consumers: workers.length,
      pending,
      p50Ms: percentile(timings, 50),
      p99Ms: percentile(timings, 99),
      bytes,
    };
  } finally {
    await server.close();
  }
}

export interface SearchCost {
  readonly entries: number;
  /** One `entry.find` answer over the API for a value no entry holds: 20,000 entries read, in scripts. */
  readonly answerP50Ms: number;
  readonly answerMaxMs: number;
  /** One `findByField` script, 500 entries: about how long it holds Redis. */
  readonly scriptP50Ms: number;
  readonly scriptMaxMs: number;
}

/** What an entry search costs on a stream of `entries` demo-shaped entries, its workers paused. */
export async function entrySearchCost(
  redis: RedisServer,
  entries = 100_000,
  rounds = 30,
): Promise<SearchCost> {
  const server = await demoServer(redis);
  try {
    const { pipeline } = server;
    for (const worker of pipeline.pool.workers()) await worker.pause();
    const { stream } = pipeline;
    for (let made = 0; made < entries; made += 10_000) {
      await stream.produceBatch(
        Array.from({ length: 10_000 }, (_, n) => ({
          type: 'order.placed',
          payload: { order_id: `o-${made + n}`, customer: `c-${n % 100}`, amount: '10.00' },
        })),
      );
    }
    const answers: number[] = [];
    const scripts: number[] = [];
    for (let round = 0; round < rounds; round++) {
      let started = performance.now();
      const response = await server.app.request('/api/entries?field=order_id&value=absent');
      if (!response.ok) throw new Error(`entry.find failed: ${await response.text()}`);
      answers.push(performance.now() - started);
      started = performance.now();
      await stream.findByField('order_id', 'absent');
      scripts.push(performance.now() - started);
    }
    answers.sort((a, b) => a - b);
    scripts.sort((a, b) => a - b);
    return {
      entries,
      answerP50Ms: percentile(answers, 50),
      answerMaxMs: answers.at(-1) ?? Number.NaN,
      scriptP50Ms: percentile(scripts, 50),
      scriptMaxMs: scripts.at(-1) ?? Number.NaN,
    };
  } finally {
    await server.close();
  }
}
