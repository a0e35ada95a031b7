// `pnpm bench [id ...]`: every benchmark (or the named ones) in one run, against one private redis-server
// that is started here and stopped at the end, whatever happens. Add a benchmark by adding an entry below.
import { availableParallelism, loadavg } from 'node:os';
import { RedisServer } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { deliveryLatency } from './delivery-latency.js';
import { type DrainResult, drainRate } from './drain-rate.js';
import { PRODUCE_CASES, produceThroughput } from './produce-throughput.js';
import { redisBenchmarkXadd } from './redis-benchmark.js';
import { type Figure, formatReport, medianRound, pairedRounds, type Section, tally } from './report.js';
import { entrySearchCost, snapshotBuildTime, workerThroughput } from './server-live.js';
import { soak, soakOptionsFromEnv } from './soak.js';

interface Benchmark {
  /** What `pnpm bench <id>` selects. */
  readonly id: string;
  readonly title: string;
  readonly run: (server: RedisServer) => Promise<Figure[]>;
  /** Left out of a plain `pnpm bench`: it runs only when named (it takes minutes). */
  readonly onlyWhenNamed?: boolean;
}

const BENCHMARKS: readonly Benchmark[] = [
  {
    id: 'produce',
    title: 'produceBatch throughput (one producer, each call awaited)',
    run: async (server) => {
      const results = await produceThroughput(server);
      return results.map((result) => ({
        label: [
          `batch ${result.batchSize}`,
          result.inFlight ? `, ${result.inFlight} calls in flight` : '',
          ` (${result.events.toLocaleString('en-US')} events)`,
        ].join(''),
        value: result.eventsPerSecond,
        unit: 'events/s',
      }));
    },
  },
  {
    id: 'redis-benchmark',
    title: 'redis-benchmark XADD, same server and entry shape, against produceBatch(1000) (3 paired rounds)',
    run: async (server) => {
      const ours = PRODUCE_CASES.find((each) => each.batchSize === 1000 && each.inFlight === undefined);
      if (!ours) throw new Error('PRODUCE_CASES has no awaited batch-1000 case');
      // redis-benchmark alone read 288k and 389k in two runs minutes apart: the ratio is taken per round.
      const rounds = await pairedRounds(3, {
        base: async () => (await redisBenchmarkXadd(server)).eventsPerSecond,
        other: async () => (await produceThroughput(server, [ours]))[0]?.eventsPerSecond ?? Number.NaN,
      });
      const { median, ratio, spread } = medianRound(rounds, (round) => round.other / round.base);
      return [
        { label: 'redis-benchmark -c 1 -P 256 (median round)', value: median.base, unit: 'events/s' },
        { label: 'produceBatch(1000) (same round)', value: median.other, unit: 'events/s' },
        {
          label: 'produceBatch(1000) / redis-benchmark',
          value: ratio,
          unit: 'ratio',
          target: { atLeast: 0.6 },
          note: spread,
        },
      ];
    },
  },
  {
    id: 'drain',
    title: 'ConsumerWorker drain rate (no-op handler, 200,000-entry backlog, group from 0-0)',
    run: async (server) => {
      const one = await drainRate(server, { workers: 1, count: 1000 });
      const plain = await drainRate(server, { workers: 1, count: 1000, catchUpReads: 'plain' });
      const four = await drainRate(server, { workers: 4, count: 1000 });
      const cpu = (result: DrainResult) =>
        `CPU per entry: Node ${result.nodeCpuUsPerEntry.toFixed(2)} µs, Redis ${result.redisCpuUsPerEntry.toFixed(2)} µs`;
      return [
        {
          label: `1 worker, count ${one.count}`,
          value: one.eventsPerSecond,
          unit: 'events/s',
          target: { atLeast: 150_000 },
          note: `read-ahead by script (the default); ${cpu(one)}`,
        },
        { label: '1 worker, time to drain', value: one.ms, unit: 'ms' },
        {
          label: `1 worker, count ${plain.count}, catchUpReads 'plain'`,
          value: plain.eventsPerSecond,
          unit: 'events/s',
          note: `plain XREADGROUP read-ahead; ${cpu(plain)}`,
        },
        {
          label: `4 workers, count ${four.count}`,
          value: four.eventsPerSecond,
          unit: 'events/s',
          note: cpu(four),
        },
        { label: '4 workers, time to drain', value: four.ms, unit: 'ms' },
      ];
    },
  },
  {
    id: 'latency',
    title: 'XADD -> handler latency (10,000 events/s, 10 consumers in one group, 10 s after 2 s warm-up)',
    run: async (server) => {
      const result = await deliveryLatency(server, { rate: 10_000, consumers: 10 });
      return [
        { label: 'producer rate achieved', value: result.producedPerSecond, unit: 'events/s' },
        {
          label: 'p50',
          value: result.p50Ms,
          unit: 'ms',
          note: `${result.samples.toLocaleString('en-US')} samples`,
        },
        { label: 'p99', value: result.p99Ms, unit: 'ms' },
        { label: 'p99.9', value: result.p999Ms, unit: 'ms', target: { atMost: 2 } },
        { label: 'max', value: result.maxMs, unit: 'ms' },
        {
          label: "producer's clock offset, corrected",
          value: result.clockOffset.offsetMs,
          unit: 'ms',
          note: `read to within ${result.clockOffset.withinMs.toFixed(3)} ms`,
        },
        // The consumers' process: its stalls are a floor under the tail.
        { label: 'event-loop lateness p99', value: result.jitter.loopLateP99Ms, unit: 'ms' },
        { label: 'event-loop lateness max', value: result.jitter.loopLateMaxMs, unit: 'ms' },
        {
          label: 'GC pause max',
          value: result.jitter.gcMaxMs,
          unit: 'ms',
          note: `${result.jitter.gcPauses} pauses, ${result.jitter.gcTotalMs.toFixed(1)} ms in all`,
        },
        // An idle process meanwhile: what the VM itself costs any process, doing nothing.
        { label: 'idle process lateness p99.9', value: result.idle.p999Ms, unit: 'ms' },
        { label: 'idle process lateness max', value: result.idle.maxMs, unit: 'ms' },
      ];
    },
  },
  {
    id: 'server-clients',
    title:
      'Demo server: seeded workers acking 50,000-entry bursts, with 10 dashboards vs none (7 paired rounds)',
    run: async (server) => {
      // Runs of one kind alone varied 26k–47k acks/s: the ratio is taken per round (see pairedRounds).
      // Not counted: the first run also pays for compiling the server's hot paths.
      await workerThroughput(server, 10, 20_000);
      const rounds = await pairedRounds(7, {
        base: () => workerThroughput(server, 0, 50_000),
        other: () => workerThroughput(server, 10, 50_000),
      });
      const { median, ratio, spread } = medianRound(
        rounds,
        (round) => round.other.ackedPerSecond / round.base.ackedPerSecond,
      );
      return [
        { label: 'no WebSocket clients (median round)', value: median.base.ackedPerSecond, unit: 'acks/s' },
        {
          label: '10 WebSocket clients (median round)',
          value: median.other.ackedPerSecond,
          unit: 'acks/s',
          note: `${(median.other.bytesPushed / 1e6).toFixed(1)} MB pushed`,
        },
        {
          label: 'with 10 clients / with none',
          value: ratio,
          unit: 'ratio',
          target: { atLeast: 0.9 },
          note: spread,
        },
      ];
    },
  },
  {
    id: 'snapshot',
    title: 'Snapshot build + serialise (XINFO STREAM/GROUPS/CONSUMERS, XPENDING rows), 200 rounds',
    run: async (server) => {
      const cost = await snapshotBuildTime(server);
      const note = `${cost.consumers} consumers, ${cost.pending.toLocaleString('en-US')} pending, ${(cost.bytes / 1024).toFixed(0)} KiB`;
      return [
        { label: 'p50', value: cost.p50Ms, unit: 'ms', note },
        { label: 'p99', value: cost.p99Ms, unit: 'ms' },
      ];
    },
  },
  {
    id: 'search',
    title: 'Entry search by a field (entry.find), a value no entry holds, 30 rounds',
    run: async (server) => {
      const cost = await entrySearchCost(server);
      const note = `${cost.entries.toLocaleString('en-US')} entries in the stream`;
      return [
        { label: 'one answer, 20,000 entries read: p50', value: cost.answerP50Ms, unit: 'ms', note },
        { label: 'one answer: max', value: cost.answerMaxMs, unit: 'ms' },
        { label: 'one script, 500 entries (Redis held): p50', value: cost.scriptP50Ms, unit: 'ms' },
        { label: 'one script: max', value: cost.scriptMaxMs, unit: 'ms' },
      ];
    },
  },
  {
    id: 'soak',
    title:
      'Soak: demo server + one dashboard in Chromium, continuous producer, faults every minute (memory, busy time)',
    onlyWhenNamed: true,
    run: (server) => soak(server, soakOptionsFromEnv()),
  },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected =
    only.length === 0
      ? BENCHMARKS.filter((b) => !b.onlyWhenNamed)
      : BENCHMARKS.filter((b) => only.includes(b.id));
  if (selected.length === 0) {
    throw new Error(
      `no benchmark named ${only.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`,
    );
  }

  const server = await RedisServer.start();
  // Ctrl-C must not leave a redis-server and its data directory behind.
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void server.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const sections: Section[] = [];
  try {
    // On stdout with the table, so a saved report says what it was measured on.
    console.log(await describeSetup(server));
    for (const benchmark of selected) {
      collectGarbage();
      console.error(`running ${benchmark.id} ...`);
      const started = performance.now();
      try {
        sections.push({ title: benchmark.title, figures: await benchmark.run(server) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        sections.push({ title: benchmark.title, figures: [], error: message });
      }
      console.error(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await server.stop();
  }

  console.log(`\n${formatReport(sections)}`);
  const { pass, miss, errors } = tally(sections);
  console.log(`\n${pass} PASS, ${miss} MISS, ${errors} failed; load average now ${formatLoad()}`);
  // A MISS is a finding, not a failure: figures on a shared machine are noisy. A benchmark that could not
  // run at all is a failure.
  if (errors > 0) process.exitCode = 1;
}

async function describeSetup(server: RedisServer): Promise<string> {
  const redis = new Redis(server.url);
  redis.on('error', () => {});
  try {
    const info = String(await redis.info('server'));
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return [
      `redis-server ${version} on port ${server.port} (private, no persistence)`,
      `node ${process.version}, ${availableParallelism()} CPUs, load average ${formatLoad()}`,
    ].join('\n');
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/**
 * A full collection before each benchmark, so none pays for the garbage of the one before: collected during
 * the latency run, the drain's 200,000 entries took p99.9 from about 3 ms to about 10. Needs `--expose-gc`,
 * which `pnpm bench` passes.
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  else console.error('(run with node --expose-gc: each benchmark then starts on a clean heap)');
}

function formatLoad(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
