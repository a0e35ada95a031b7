import type { ConsumerView, GroupView, Snapshot, WorkerView } from '@streamscope/protocol';
import type { ConsumerInfo, ConsumerWorker, EventStream, GroupInfo } from '@streamscope/streams';
import type { Pipeline } from '../pipeline/pipeline.js';
import { entryView } from '../pipeline/run-command.js';

/** XPENDING rows per group in one snapshot; the rest are counted in `pending.omitted`. */
export const PENDING_ROWS_PER_GROUP = 50;
const TAIL_LENGTH = 10;
const RATE_WINDOW_MS = 1_000;

interface RateSample {
  readonly at: number;
  readonly produced: number;
  readonly groups: ReadonlyMap<string, { delivered: number; acked: number }>;
}

/**
 * Builds the dashboard's picture of the stream: XINFO STREAM/GROUPS/CONSUMERS, XPENDING rows, worker
 * statuses and rates. Its commands go out together on `reader`, a connection no blocking read ever holds.
 */
export class SnapshotBuilder {
  readonly #pipeline: Pipeline;
  readonly #reader: EventStream;
  #seq = 0;
  #samples: RateSample[] = [];

  constructor(pipeline: Pipeline, reader: EventStream) {
    this.#pipeline = pipeline;
    this.#reader = reader;
  }

  async build(): Promise<Snapshot> {
    const reader = this.#reader;
    const [info, tail, groups] = await Promise.all([
      reader.infoStream(),
      reader.tail(TAIL_LENGTH),
      reader.infoGroups(),
    ]);
    const perGroup = await Promise.all(
      groups.map(async (group) => {
        const [consumers, pending] = await Promise.all([
          reader.infoConsumers(group.name),
          group.pending > 0
            ? reader.pendingDetail(group.name, { count: PENDING_ROWS_PER_GROUP })
            : Promise.resolve([]),
        ]);
        return { group, consumers, pending };
      }),
    );
    const at = Date.now();
    const rates = this.#rates(at);
    const { stream, pool, producer, options } = this.#pipeline;
    let omitted = 0;
    const pendingRows = perGroup.flatMap(({ group, pending }) => {
      omitted += Math.max(0, group.pending - pending.length);
      return pending.map((row) => ({ group: group.name, ...row }));
    });
    return {
      type: 'snapshot',
      seq: ++this.#seq,
      at,
      stream: {
        key: stream.streamKey,
        exists: info !== null,
        length: info?.length ?? 0,
        firstEntryId: info?.firstEntry?.id ?? null,
        lastEntryId: info?.lastEntry?.id ?? null,
        lastGeneratedId: info?.lastGeneratedId ?? null,
        entriesAdded: info?.entriesAdded ?? null,
      },
      tail: tail.map(entryView),
      groups: perGroup.map(({ group, consumers }) =>
        groupView(group, consumers, pool.workers(), rates.groups.get(group.name)),
      ),
      pending: { rows: pendingRows, omitted },
      totals: this.#pipeline.totals(),
      producer: producer.state(),
      producedPerSec: rates.producedPerSec,
      claimMinIdleMs: options.claimMinIdleMs,
      maxlen: options.maxlen,
    };
  }

  /**
   * Rates over the last second or so: workers ack in batches, so a single 250 ms interval would flicker
   * between 0 and twice the true rate. Zero until there is an earlier sample.
   */
  #rates(at: number) {
    const produced = this.#pipeline.totals().produced;
    const current: RateSample = {
      at,
      produced,
      groups: new Map([...this.#pipeline.groupCounters].map(([name, counters]) => [name, { ...counters }])),
    };
    this.#samples.push(current);
    // Keep the newest sample that is at least RATE_WINDOW_MS old as the base, and everything after it.
    while (this.#samples.length > 2 && at - (this.#samples[1]?.at ?? at) >= RATE_WINDOW_MS)
      this.#samples.shift();
    const base = this.#samples[0];
    const previous = base === current ? undefined : base;
    const seconds = previous ? (at - previous.at) / 1000 : 0;
    const perSec = (now: number, before: number | undefined) =>
      seconds > 0 && before !== undefined ? Math.max(0, Math.round((now - before) / seconds)) : 0;
    const groups = new Map<string, { deliveredPerSec: number; ackedPerSec: number }>();
    for (const [name, counters] of current.groups) {
      const before = previous?.groups.get(name);
      groups.set(name, {
        deliveredPerSec: perSec(counters.delivered, before?.delivered ?? 0),
        ackedPerSec: perSec(counters.acked, before?.acked ?? 0),
      });
    }
    return { producedPerSec: perSec(produced, previous?.produced), groups };
  }
}

function groupView(
  group: GroupInfo,
  consumers: readonly ConsumerInfo[],
  workers: readonly ConsumerWorker[],
  rates: { deliveredPerSec: number; ackedPerSec: number } | undefined,
): GroupView {
  const ours = new Map(workers.filter((worker) => worker.group === group.name).map((w) => [w.name, w]));
  const views: ConsumerView[] = consumers.map((consumer) => {
    const worker = ours.get(consumer.name);
    ours.delete(consumer.name);
    return { ...consumer, worker: worker ? workerView(worker) : null };
  });
  // A worker Redis does not list yet (it has not read once) is still part of the group's picture.
  for (const worker of ours.values()) {
    views.push({ name: worker.name, pending: 0, idleMs: 0, inactiveMs: null, worker: workerView(worker) });
  }
  return {
    name: group.name,
    pending: group.pending,
    lastDeliveredId: group.lastDeliveredId,
    entriesRead: group.entriesRead,
    lag: group.lag,
    consumers: views,
    deliveredPerSec: rates?.deliveredPerSec ?? 0,
    ackedPerSec: rates?.ackedPerSec ?? 0,
  };
}

function workerView(worker: ConsumerWorker): WorkerView {
  const { state, paused, alive, crashQueued, processed, reaped, crashedDrops, failures, lastError } =
    worker.status();
  return {
    state,
    paused,
    alive,
    crashQueued,
    processed,
    reaped,
    crashedDrops,
    failures,
    lastError,
    recent: worker
      .recent()
      .reverse()
      .map(({ id, eventType, outcome, deliveryCount, ts }) => ({
        id,
        eventType,
        outcome,
        deliveryCount,
        ts,
      })),
  };
}
