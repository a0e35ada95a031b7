import {
  ConsumerWorker,
  type ConsumerWorkerOptions,
  EventStream,
  type WorkerErrorEvent,
} from '@streamscope/streams';
import { type RedisServer, uniqueStreamKey } from '@streamscope/testkit';
import type { Redis } from 'ioredis';
import { perSecond } from './report.js';
import { sampleEvents } from './sample-event.js';

export interface DrainOptions {
  /** Workers in the one group, all in this process. */
  readonly workers?: number;
  /** Entries pre-filled before the workers start. */
  readonly events?: number;
  /** Entries per XREADGROUP. */
  readonly count?: number;
  readonly catchUpReads?: ConsumerWorkerOptions['catchUpReads'];
  readonly timeoutMs?: number;
}

export interface DrainResult {
  readonly workers: number;
  readonly events: number;
  readonly count: number;
  /** From the first `start()` to the last entry's XACK. */
  readonly ms: number;
  readonly eventsPerSecond: number;
  /** CPU time Redis spent per entry drained (INFO CPU, user + system), in microseconds. */
  readonly redisCpuUsPerEntry: number;
  /**
   * CPU time this Node process spent per entry drained (user + system, all its threads: GC's helpers too),
   * in microseconds. With two cores shared by Node, Redis and anything else, the wall-clock rate follows the
   * sum of the two far more than either alone.
   */
  readonly nodeCpuUsPerEntry: number;
}

const GROUP = 'bench-drain';
const FILL_BATCH = 10_000;

/**
 * How fast `ConsumerWorker`s with a no-op handler empty a backlog: the stream is pre-filled, the group
 * starts at `0-0`, and the clock runs from starting the workers until every entry has been acked.
 */
export async function drainRate(server: RedisServer, options: DrainOptions = {}): Promise<DrainResult> {
  const {
    workers: workerCount = 1,
    events = 200_000,
    count = 1000,
    catchUpReads,
    timeoutMs = 60_000,
  } = options;
  // Uncapped: the default MAXLEN ~ 2000 would trim the backlog away before anyone read it.
  const stream = new EventStream({
    connection: server.url,
    streamKey: uniqueStreamKey('bench-drain'),
    maxlenApprox: null,
  });
  const workers: ConsumerWorker[] = [];
  try {
    await fillBacklog(stream, events);

    // No `handler`: the default accepts everything, so this is the worker's own cost plus Redis's.
    for (let i = 0; i < workerCount; i++) {
      workers.push(
        new ConsumerWorker(stream, GROUP, `drain-${i + 1}`, {
          count,
          blockMs: 100,
          ...(catchUpReads && { catchUpReads }),
        }),
      );
    }
    const drained = allAcked(workers, events, timeoutMs);
    // Awaited below; marked handled now in case start() throws first and it rejects unobserved.
    drained.catch(() => {});
    const redisCpuBefore = await redisCpuMs(stream.redis);
    const nodeCpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(workers.map((worker) => worker.start()));
    await drained;
    const ms = performance.now() - started;
    const nodeCpu = process.cpuUsage(nodeCpuBefore);
    const redisCpu = (await redisCpuMs(stream.redis)) - redisCpuBefore;

    await assertDrained(stream, events);
    return {
      workers: workerCount,
      events,
      count,
      ms,
      eventsPerSecond: perSecond(events, ms),
      redisCpuUsPerEntry: (redisCpu * 1000) / events,
      nodeCpuUsPerEntry: (nodeCpu.user + nodeCpu.system) / events,
    };
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.close()));
    await stream.deleteStream().catch(() => {});
    await stream.close();
  }
}

/** `events` sample entries, then the group at `0-0` so that all of them are its backlog. */
async function fillBacklog(stream: EventStream, events: number): Promise<void> {
  const batch = sampleEvents(FILL_BATCH);
  for (let filled = 0; filled < events; filled += FILL_BATCH) {
    await stream.produceBatch(batch.slice(0, Math.min(FILL_BATCH, events - filled)));
  }
  await stream.ensureGroup(GROUP, '0-0');
}

/** CPU time the Redis server has used so far (user + system, all its threads), in milliseconds. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = String(await redis.call('INFO', 'CPU'));
  const seconds = (name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
}

/** Resolves when the workers together have acked `events` entries; rejects on a worker error or timeout. */
function allAcked(workers: readonly ConsumerWorker[], events: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let acked = 0;
    const timer = setTimeout(
      () => reject(new Error(`only ${acked} of ${events} entries acked after ${timeoutMs} ms`)),
      timeoutMs,
    );
    // A run that failed elsewhere must not be held open by this timer.
    timer.unref();
    const onAcked = () => {
      acked += 1;
      if (acked === events) {
        clearTimeout(timer);
        resolve();
      }
    };
    // A benchmark that hides errors measures nothing; the first one ends the run.
    const onError = (event: WorkerErrorEvent) => {
      clearTimeout(timer);
      reject(new Error(`worker ${event.consumer} failed to ${event.operation}: ${event.error.message}`));
    };
    for (const worker of workers) {
      worker.on('acked', onAcked);
      worker.on('error', onError);
    }
  });
}

/** The group's own view must agree with the count of 'acked' events: everything read, nothing pending. */
async function assertDrained(stream: EventStream, events: number): Promise<void> {
  const group = (await stream.infoGroups()).find((info) => info.name === GROUP);
  // entries-read is null when Redis cannot tell; pending alone must do then.
  const entriesRead = group?.entriesRead ?? events;
  if (group?.pending !== 0 || entriesRead !== events) {
    throw new Error(`group not drained: ${JSON.stringify(group)}`);
  }
}
