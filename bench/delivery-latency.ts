import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ConsumerWorker, type EntryHandler, EventStream } from '@streamscope/streams';
import { type RedisServer, uniqueStreamKey, waitFor } from '@streamscope/testkit';
import { epochNow } from './epoch-now.js';
import { type IdleLateness, idleLateness } from './idle-lateness.js';
import type { ClockAsk, PacedProducerData, PacedRun } from './paced-producer.js';
import { type ProcessJitter, watchProcessJitter } from './process-jitter.js';
import { percentile, perSecond } from './report.js';

export interface LatencyOptions {
  /** Events per second the producer sustains. */
  readonly rate?: number;
  /** Workers in the one group, all in this process. */
  readonly consumers?: number;
  /** Produced but not measured: connections settle, the JIT warms up. */
  readonly warmupMs?: number;
  readonly measureMs?: number;
  /** Entries per XREADGROUP. */
  readonly count?: number;
  readonly blockMs?: number;
}

export interface LatencyResult {
  readonly rate: number;
  readonly consumers: number;
  /** The rate the producer actually achieved while measured. */
  readonly producedPerSecond: number;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Stalls of the consumers' process during the measured part. */
  readonly jitter: ProcessJitter;
  /** Stalls of an idle process meanwhile: the machine's floor under any of these figures. */
  readonly idle: IdleLateness;
  /** How far the producer's clock stood from this process's (subtracted from every sample), and to within what. */
  readonly clockOffset: ClockOffset;
}

/** The producer process's `epochNow()` less this one's, and half the round trip it was read in: its bound. */
export interface ClockOffset {
  readonly offsetMs: number;
  readonly withinMs: number;
}

const GROUP = 'bench-latency';
/** High enough never to trim during the run, so a lagging consumer shows up as latency, not lost entries. */
const MAXLEN = 1_000_000;

/**
 * XADD -> handler latency: a producer paced at `rate` (a process of its own) stamps each batch with the time
 * just before its `produceBatch`, `consumers` workers in one group (all in this process) record handler-time
 * minus that stamp.
 */
export async function deliveryLatency(
  server: RedisServer,
  options: LatencyOptions = {},
): Promise<LatencyResult> {
  const {
    rate = 10_000,
    consumers = 10,
    warmupMs = 2000,
    measureMs = 10_000,
    count = 100,
    blockMs = 100,
  } = options;
  const streamKey = uniqueStreamKey('bench-latency');
  const producer = startPacedProducer({ url: server.url, streamKey, maxlenApprox: MAXLEN, rate });
  const consumerSide = new EventStream({ connection: server.url, streamKey, maxlenApprox: MAXLEN });
  const workers: ConsumerWorker[] = [];

  // Preallocated, so recording a sample never allocates inside the measured path.
  const samples = new Float64Array(Math.ceil((rate * (warmupMs + measureMs)) / 1000) + 10 * rate);
  let recorded = 0;
  let handled = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  // Each process's `epochNow()` rests on the wall clock read as it started: one started a moment apart, across a
  // clock adjustment, stood 2 ms off this one's, and half the samples read below zero.
  let offsetMs = 0;
  // Thrown from here, not from the listener: a throwing listener would break out of the worker's loop.
  let failure: Error | undefined;
  const handler: EntryHandler = (entry) => {
    const at = epochNow();
    handled += 1;
    const sentAt = Number(entry.fields.sent_at);
    if (sentAt - offsetMs >= measureFrom && recorded < samples.length)
      samples[recorded++] = at - (sentAt - offsetMs);
  };

  let stopWatching: (() => ProcessJitter) | undefined;
  try {
    await consumerSide.ensureGroup(GROUP, '$');
    for (let i = 0; i < consumers; i++) {
      const worker = new ConsumerWorker(consumerSide, GROUP, `latency-${i + 1}`, { handler, count, blockMs });
      worker.on('error', (event) => {
        failure ??= new Error(
          `worker ${event.consumer} failed to ${event.operation}: ${event.error.message}`,
        );
      });
      workers.push(worker);
    }
    await Promise.all(workers.map((worker) => worker.start()));
    const clockOffset = await producer.clockOffset();
    offsetMs = clockOffset.offsetMs;

    // Warm-up events carry stamps from before `measureFrom`, so the handler leaves them out.
    const warmupEvents = await producer.run(warmupMs);
    measureFrom = epochNow();
    stopWatching = watchProcessJitter();
    const idle = idleLateness(measureMs);
    idle.catch(() => {}); // awaited below
    const started = performance.now();
    const produced = await producer.run(measureMs);
    const producedPerSecond = perSecond(produced, performance.now() - started);
    await waitFor(
      'every produced event to reach a handler',
      () => {
        if (failure) throw failure;
        return handled >= warmupEvents + produced;
      },
      { timeoutMs: 10_000, intervalMs: 10 },
    );
    const jitter = stopWatching();
    stopWatching = undefined;
    const machine = await idle;

    const sorted = samples.subarray(0, recorded).sort();
    return {
      rate,
      consumers,
      producedPerSecond,
      samples: recorded,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      p999Ms: percentile(sorted, 99.9),
      maxMs: sorted[sorted.length - 1] ?? Number.NaN,
      jitter,
      idle: machine,
      clockOffset,
    };
  } finally {
    stopWatching?.();
    await Promise.allSettled(workers.map((worker) => worker.close()));
    await consumerSide.deleteStream().catch(() => {});
    await Promise.allSettled([producer.close(), consumerSide.close()]);
  }
}

/** The producer process, and a way to have it append for a while. */
function startPacedProducer(data: PacedProducerData): {
  run(durationMs: number): Promise<number>;
  clockOffset(): Promise<ClockOffset>;
  close(): Promise<void>;
} {
  const child = fork(fileURLToPath(new URL('./paced-producer.ts', import.meta.url)), [JSON.stringify(data)], {
    execArgv: ['--import', 'tsx', '--conditions=@streamscope/source'],
  });
  const exited = once(child, 'exit');
  const failed = exited.then(([code]) =>
    Promise.reject(new Error(`the producer exited early (code ${code})`)),
  );
  failed.catch(() => {}); // surfaced through run()
  return {
    async run(durationMs) {
      child.send({ durationMs } satisfies PacedRun);
      const [reply] = (await Promise.race([once(child, 'message'), failed])) as [
        { produced: number } | { error: string },
      ];
      if ('error' in reply) throw new Error(`the producer failed: ${reply.error}`);
      return reply.produced;
    },
    // Read 20 times, the reading in the shortest round trip kept: its midpoint is nearest the moment it was read.
    async clockOffset() {
      let best: ClockOffset = { offsetMs: 0, withinMs: Number.POSITIVE_INFINITY };
      for (let round = 0; round < 20; round++) {
        const asked = epochNow();
        child.send('clock' satisfies ClockAsk);
        const [reply] = (await Promise.race([once(child, 'message'), failed])) as [{ clock: number }];
        const answered = epochNow();
        const withinMs = (answered - asked) / 2;
        if (withinMs < best.withinMs) best = { offsetMs: reply.clock - (asked + answered) / 2, withinMs };
      }
      return best;
    },
    async close() {
      if (child.connected) child.send('close');
      await exited;
    },
  };
}
