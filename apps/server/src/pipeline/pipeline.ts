import type { LifecycleEventView } from '@streamscope/protocol';
import {
  ConsumerWorker,
  type EntryHandler,
  EventStream,
  type LifecycleEvent,
  type LifecycleKind,
  type StreamStats,
} from '@streamscope/streams';
import type { Redis } from 'ioredis';
import { DeliveryFeed } from '../live/delivery-feed.js';
import { EntryHistory } from '../live/entry-history.js';
import { ConsumerPool } from './consumer-pool.js';
import { ContinuousProducer } from './continuous-producer.js';
import { fakeOrders } from './fake-orders.js';

/** The demo's starting shape, as the seed describes it: both groups read the whole stream from 0-0. */
export const DEMO_SEEDS: readonly { readonly group: string; readonly consumers: readonly string[] }[] = [
  { group: 'notifications', consumers: ['worker-a', 'worker-b'] },
  { group: 'analytics', consumers: ['worker-c'] },
];

export interface PipelineOptions {
  /** Shared non-blocking connection; every worker duplicates it for its own blocking reads. */
  readonly redis: Redis;
  readonly streamKey: string;
  readonly maxlen: number;
  readonly claimMinIdleMs: number;
  readonly processLatencyMs: number;
  readonly seeds?: typeof DEMO_SEEDS;
  /** Called with the continuous producer's failures (Redis down, say); it keeps trying. */
  readonly onProducerError?: (error: unknown) => void;
}

/** Per-group running totals, from which the snapshot computes rates. */
export interface GroupCounters {
  delivered: number;
  acked: number;
}

const WORKER_EVENTS: readonly LifecycleKind[] = [
  'delivered',
  'acked',
  'dropped',
  'failed',
  'claimed',
  'deleted',
];

/**
 * The demo pipeline: one stream, its consumer groups and workers, a producer, and the memory of what
 * happened to each entry. Everything the API can do goes through here.
 */
export class Pipeline {
  readonly stream: EventStream;
  readonly pool: ConsumerPool;
  readonly producer: ContinuousProducer;
  readonly history = new EntryHistory();
  readonly feed = new DeliveryFeed();
  readonly groupCounters = new Map<string, GroupCounters>();
  readonly options: PipelineOptions;
  #baseline: StreamStats = { produced: 0, acked: 0, claimed: 0 };

  constructor(options: PipelineOptions) {
    this.options = options;
    this.stream = new EventStream({
      connection: options.redis,
      streamKey: options.streamKey,
      maxlenApprox: options.maxlen,
      claimMinIdleMs: options.claimMinIdleMs,
    });
    this.pool = new ConsumerPool(this.stream, (group, name) => this.#makeWorker(group, name));
    this.producer = new ContinuousProducer(
      (events) => this.#append(events),
      fakeOrders,
      options.onProducerError ?? (() => {}),
    );
  }

  /** Deletes the stream first when `reset`, then creates the seed groups and starts their workers. */
  async start({ reset }: { reset: boolean }): Promise<{ groups: number; consumers: number }> {
    if (reset) await this.stream.deleteStream();
    return this.#seed();
  }

  async produce(count: number, eventType?: string): Promise<string[]> {
    return this.#append(fakeOrders(count, eventType));
  }

  /** Totals since start or the last reset. */
  totals(): StreamStats {
    const now = this.stream.stats();
    return {
      produced: now.produced - this.#baseline.produced,
      acked: now.acked - this.#baseline.acked,
      claimed: now.claimed - this.#baseline.claimed,
    };
  }

  /** Stops everything, deletes the stream and starts over from the seeds. */
  async reset(): Promise<{ groups: number; consumers: number }> {
    await this.producer.stop();
    await this.pool.closeAll();
    await this.stream.deleteStream();
    this.history.clear();
    this.groupCounters.clear();
    this.#baseline = this.stream.stats();
    return this.#seed();
  }

  /** Stops producing, lets every worker finish and ack its in-flight batch; the connection stays open. */
  async close(): Promise<void> {
    await this.producer.stop();
    await this.pool.closeAll();
  }

  async #seed(): Promise<{ groups: number; consumers: number }> {
    const seeds = this.options.seeds ?? DEMO_SEEDS;
    let consumers = 0;
    for (const { group, consumers: names } of seeds) {
      await this.stream.ensureGroup(group, '0-0');
      for (const name of names) {
        await this.pool.add(group, name);
        consumers += 1;
      }
    }
    return { groups: seeds.length, consumers };
  }

  async #append(events: Parameters<EventStream['produceBatch']>[0]): Promise<string[]> {
    const ids = await this.stream.produceBatch(events);
    const ts = Date.now();
    ids.forEach((id, index) => {
      this.#record({
        kind: 'produced',
        id,
        group: null,
        consumer: null,
        deliveryCount: null,
        eventType: events[index]?.type ?? null,
        reason: null,
        ts,
      });
    });
    return ids;
  }

  #makeWorker(group: string, name: string): ConsumerWorker {
    const handler: EntryHandler = () => {};
    const worker = new ConsumerWorker(this.stream, group, name, {
      handler,
      processLatencyMs: this.options.processLatencyMs,
    });
    const counters = this.#countersOf(group);
    for (const kind of WORKER_EVENTS) {
      worker.on(kind, (event: LifecycleEvent) => {
        if (kind === 'delivered') counters.delivered += 1;
        else if (kind === 'acked') counters.acked += 1;
        this.#record(event);
      });
    }
    // Failures are already in the worker's status (`lastError`); the listener keeps EventEmitter quiet.
    worker.on('error', () => {});
    return worker;
  }

  #countersOf(group: string): GroupCounters {
    let counters = this.groupCounters.get(group);
    if (!counters) {
      counters = { delivered: 0, acked: 0 };
      this.groupCounters.set(group, counters);
    }
    return counters;
  }

  #record(event: LifecycleEventView): void {
    this.history.record(event);
    this.feed.push(event);
  }
}
