import { type EventInput, EventStream } from '@streamscope/streams';
import { type RedisServer, uniqueStreamKey } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { perSecond } from './report.js';
import { sampleEvents } from './sample-event.js';

export interface ProduceCase {
  readonly batchSize: number;
  /** Events appended in the timed part. */
  readonly events: number;
  /** Calls kept outstanding at once; 1 (the default) awaits each call before the next. */
  readonly inFlight?: number;
}

export interface ProduceResult extends ProduceCase {
  readonly ms: number;
  readonly eventsPerSecond: number;
}

/**
 * High enough that no case ever trims: trimming is not what this measures. redis-benchmark's XADD uses the
 * same cap, so both pay the same (tiny) per-append length check.
 */
export const PRODUCE_MAXLEN = 1_000_000;

// One round trip per event makes batch 1 far slower; fewer events keep it to a second or two. The last case
// shows how much of the awaited figure is waiting: with two calls out, the client encodes one while Redis
// runs the other.
export const PRODUCE_CASES: readonly ProduceCase[] = [
  { batchSize: 1, events: 20_000 },
  { batchSize: 100, events: 200_000 },
  { batchSize: 1000, events: 200_000 },
  { batchSize: 1000, events: 200_000, inFlight: 2 },
];

/**
 * `produceBatch` throughput of one producer awaiting each call before the next, as an application loop
 * would (unless a case says otherwise): events per second at each batch size, each on a fresh stream key.
 */
export async function produceThroughput(
  server: RedisServer,
  cases: readonly ProduceCase[] = PRODUCE_CASES,
): Promise<ProduceResult[]> {
  // One connection for every case, so the script is loaded once and each case measures only appends.
  const redis = new Redis(server.url);
  redis.on('error', () => {});
  try {
    const results: ProduceResult[] = [];
    for (const benchCase of cases) results.push(await runCase(redis, benchCase));
    return results;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

async function runCase(redis: Redis, benchCase: ProduceCase): Promise<ProduceResult> {
  const { batchSize, events, inFlight = 1 } = benchCase;
  const batch = sampleEvents(batchSize);
  // A tenth of the run on a throwaway key first: the JIT warms up and the script is cached on the server.
  await appendAll(redis, uniqueStreamKey('bench-produce-warmup'), batch, Math.ceil(events / 10), inFlight);
  const key = uniqueStreamKey(`bench-produce-${batchSize}`);
  const timed = await appendAll(redis, key, batch, events, inFlight);
  return { ...benchCase, ...timed, eventsPerSecond: perSecond(timed.events, timed.ms) };
}

/** Appends at least `total` events in calls of `batch`, checks they all landed, deletes the stream. */
async function appendAll(
  redis: Redis,
  streamKey: string,
  batch: readonly EventInput[],
  total: number,
  inFlight: number,
): Promise<{ events: number; ms: number }> {
  const stream = new EventStream({ connection: redis, streamKey, maxlenApprox: PRODUCE_MAXLEN });
  try {
    const calls = Math.ceil(total / batch.length);
    let issued = 0;
    const caller = async () => {
      while (issued < calls) {
        issued += 1;
        await stream.produceBatch(batch);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: inFlight }, caller));
    const ms = performance.now() - started;
    const events = calls * batch.length;
    const appended = await stream.length();
    if (appended !== events) throw new Error(`${streamKey} holds ${appended} entries, expected ${events}`);
    return { events, ms };
  } finally {
    await stream.deleteStream();
  }
}
