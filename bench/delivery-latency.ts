import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerWorker, type EntryHandler, EventStream } from '@streamscope/streams';
import { type RedisServer, uniqueStreamKey, waitFor } from '@streamscope/testkit';
import { type ProcessJitter, watchProcessJitter } from './process-jitter.js';
import { percentile, perSecond } from './report.js';
import { SAMPLE_PAYLOAD, sampleEvents } from './sample-event.js';

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
  /** Stalls of this process (producer and consumers alike) during the measured part. */
  readonly jitter: ProcessJitter;
}

const GROUP = 'bench-latency';
/** High enough never to trim during the run, so a lagging consumer shows up as latency, not lost entries. */
const MAXLEN = 1_000_000;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one host. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * XADD -> handler latency: a producer paced at `rate` stamps each batch with the time just before its
 * `produceBatch`, `consumers` workers in one group record handler-time minus that stamp.
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
  // The producer has a connection of its own, so its appends never queue behind anything else.
  const producer = new EventStream({ connection: server.url, streamKey, maxlenApprox: MAXLEN });
  const consumerSide = new EventStream({ connection: server.url, streamKey, maxlenApprox: MAXLEN });
  const workers: ConsumerWorker[] = [];

  // Preallocated, so recording a sample never allocates inside the measured path.
  const samples = new Float64Array(Math.ceil((rate * (warmupMs + measureMs)) / 1000) + 10 * rate);
  let recorded = 0;
  let handled = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  // Thrown from here, not from the listener: a throwing listener would break out of the worker's loop.
  let failure: Error | undefined;
  const handler: EntryHandler = (entry) => {
    const at = epochNow();
    handled += 1;
    const sentAt = Number(entry.fields.sent_at);
    if (sentAt >= measureFrom && recorded < samples.length) samples[recorded++] = at - sentAt;
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

    // Warm-up events carry stamps from before `measureFrom`, so the handler leaves them out.
    const warmupEvents = await producePaced(producer, rate, warmupMs);
    measureFrom = epochNow();
    stopWatching = watchProcessJitter();
    const started = performance.now();
    const produced = await producePaced(producer, rate, measureMs);
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
    };
  } finally {
    stopWatching?.();
    await Promise.allSettled(workers.map((worker) => worker.close()));
    await consumerSide.deleteStream().catch(() => {});
    await Promise.allSettled([producer.close(), consumerSide.close()]);
  }
}

/**
 * Appends at `rate` for `durationMs`. Every millisecond or so it sends whatever is due since the start, so
 * timer jitter changes batch sizes, never the average rate. Returns how many events were appended.
 */
async function producePaced(stream: EventStream, rate: number, durationMs: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= durationMs) return sent;
    const due = Math.floor((elapsed * rate) / 1000) - sent;
    if (due > 0) {
      // Stamped as late as possible: the figure is meant to start at the XADD, not at building the batch.
      const payload = { ...SAMPLE_PAYLOAD, sent_at: epochNow().toFixed(3) };
      await stream.produceBatch(sampleEvents(due, payload));
      sent += due;
    }
    await sleep(1);
  }
}
