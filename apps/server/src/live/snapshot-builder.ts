import {
  type ConsumerView,
  type GroupView,
  type HistoryPoint,
  historyPoint,
  LIMITS,
  type Snapshot,
  type WorkerView,
} from '@streamscope/protocol';
import {
  type BoundedRead,
  type ConsumerInfo,
  type ConsumerWorker,
  DeadLetters,
  type EventStream,
  entryIdTime,
  type GroupInfo,
  GroupNotFoundError,
  type PendingEntry,
} from '@streamscope/streams';
import { overwrittenKeyReason } from '../pipeline/overwritten-keys.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { alertsOf, GROWTH_ALERT_MS, RecentGrowth, type Thresholds } from './alerts.js';
import { BacklogGauge } from './backlog.js';
import { boundedType, VIEW_TYPE_MAX, viewBounds } from './bounded-view.js';
import { ConnectedConsumers } from './connected-consumers.js';
import { ConsumerLists } from './consumer-lists.js';
import { chooseConsumers, chooseGroups } from './snapshot-caps.js';

/** XPENDING rows per group in one snapshot, oldest first; the rest are counted in `pending.omitted`. */
export const PENDING_ROWS_PER_GROUP = 50;
/**
 * Beside them, the oldest rows of so many consumers that have none among those, and so many rows each: one holding
 * 3 entries behind another's 500 was in no row, and the table narrowed to it said it held nothing listed.
 */
export const UNLISTED_CONSUMERS_READ = 20;
export const ROWS_PER_UNLISTED_CONSUMER = 10;
const TAIL_LENGTH = 10;
const RATE_WINDOW_MS = 1_000;

/**
 * What a snapshot reads of the newest entries and dead letters, and sends of them. A snapshot goes four times a
 * second to every page, and a page more than 1 MB behind skips ticks (LiveHub's soft bound): both sections together
 * send at most about 384 KB, in ordinary use a few KB (50 letters of an order event are 15 KB), so one snapshot of
 * large entries still reaches a page on an ordinary link in time. Each entry is cut in Redis (bounded-view.ts), yet
 * Redis reads it whole into the script to cut it, a couple of milliseconds a megabyte that no other client is served
 * in: each section stops once it has read 1 MB, so a snapshot holds Redis up for a few milliseconds at most,
 * whatever another application writes. The first entry of each always goes; the page says how many were left out.
 */
const TAIL_BOUNDS = viewBounds(128 * 1024, 1024 * 1024);
const DLQ_BOUNDS = viewBounds(256 * 1024, 1024 * 1024);
/** What a snapshot reads of a group's pending entries, whole, for their types (each cut at VIEW_TYPE_MAX). */
const TYPES_READ_BYTES = 1024 * 1024;

interface RateSample {
  readonly at: number;
  /** Redis's count of entries ever added (XINFO STREAM), `null` where it has none; then ours. */
  readonly added: number | null;
  readonly produced: number;
  readonly groups: ReadonlyMap<string, GroupSample>;
}

interface GroupSample {
  /** XINFO GROUPS: entries the group has read (`null` when Redis cannot tell) and its pending count. */
  readonly entriesRead: number | null;
  readonly pending: number;
  /** This process's own counts, the fallback when Redis cannot tell. */
  readonly delivered: number;
  readonly acked: number;
}

const DLQ_ROWS = 50;

/**
 * Builds the dashboard's picture of the stream: XINFO STREAM/GROUPS/CONSUMERS, XPENDING rows, worker
 * statuses and rates. Its commands go out together on `reader`, a connection no blocking read ever holds.
 * It carries at most LIMITS.snapshotGroups groups and LIMITS.snapshotConsumersPerGroup consumers of each
 * (snapshot-caps.ts), counting the rest: a group left out costs the tick no Redis command, so a stream with
 * thousands of groups costs what one with 50 does.
 */
export class SnapshotBuilder {
  readonly #pipeline: Pipeline;
  readonly #reader: EventStream;
  readonly #thresholds: Thresholds;
  /** Losses to trimming, a figure of Redis's, seen grow between snapshots (see `RecentGrowth`). */
  readonly #trimGrowth = new RecentGrowth();
  readonly #deadLetters: DeadLetters;
  #seq = 0;
  #samples: RateSample[] = [];
  readonly #backlog = new BacklogGauge();
  readonly #consumerLists = new ConsumerLists(LIMITS.snapshotConsumersPerGroup);

  constructor(pipeline: Pipeline, reader: EventStream, thresholds: Thresholds) {
    this.#pipeline = pipeline;
    this.#reader = reader;
    this.#thresholds = thresholds;
    // The DLQ is read on the snapshot connection too.
    this.#deadLetters = new DeadLetters(reader, pipeline.deadLetters.key);
  }

  /**
   * The group's first XPENDING rows with each entry's type (`null` once trimmed): XPENDING has no fields. Redis reads
   * each entry whole for its type, so it stops at about 1 MB of them, as the newest entries do (TYPES_READ_BYTES):
   * the rows after are sent with `typeNotRead`. `capped` says whether the group had more than PENDING_ROWS_PER_GROUP.
   */
  async #pendingRows(group: string, consumers: Promise<readonly ConsumerInfo[]>) {
    const rows = await this.#reader.pendingDetail(group, { count: PENDING_ROWS_PER_GROUP });
    // Fewer rows than asked for are every pending entry, each consumer's among them.
    const capped = rows.length === PENDING_ROWS_PER_GROUP;
    if (capped) rows.push(...(await this.#unlistedRows(group, rows, await consumers)));
    const { types, read } = await this.#reader.typesWithin(
      rows.map((row) => row.id),
      { chars: VIEW_TYPE_MAX, readBytes: TYPES_READ_BYTES },
    );
    const typed = rows.map((row, index) =>
      index < read
        ? { ...row, eventType: types.get(row.id) ?? null }
        : { ...row, eventType: null, typeNotRead: true as const },
    );
    return { rows: typed, capped };
  }

  /** The oldest rows of consumers holding entries that none of `rows` is of (see UNLISTED_CONSUMERS_READ). */
  async #unlistedRows(group: string, rows: readonly PendingEntry[], consumers: readonly ConsumerInfo[]) {
    const listed = new Set(rows.map((row) => row.consumer));
    const unlisted = consumers
      .filter((consumer) => consumer.pending > 0 && !listed.has(consumer.name))
      .slice(0, UNLISTED_CONSUMERS_READ);
    const theirs = await Promise.all(
      unlisted.map(({ name }) =>
        this.#reader.pendingDetail(group, { count: ROWS_PER_UNLISTED_CONSUMER, consumer: name }),
      ),
    );
    return theirs.flat();
  }

  /**
   * The dead letters a snapshot shows. Their key made something other than a stream by another client (a SET over
   * it) is said, not a failed snapshot: every page froze, and `/metrics` said Redis was down.
   */
  async #deadLetterView(): Promise<Snapshot['dlq']> {
    const deadLetters = this.#deadLetters;
    try {
      const [length, newest] = await Promise.all([
        deadLetters.length(),
        deadLetters.newestBounded(DLQ_ROWS, DLQ_BOUNDS),
      ]);
      return {
        key: deadLetters.key,
        length,
        newest: newest.entries,
        ...omittedOf('omitted', newest, DLQ_ROWS, length),
      };
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('WRONGTYPE'))) throw error;
      const type = await this.#reader.redis.type(deadLetters.key);
      return {
        key: deadLetters.key,
        length: 0,
        newest: [],
        unreadable: overwrittenKeyReason({ key: deadLetters.key, holds: 'letter' }, type),
      };
    }
  }

  async build(): Promise<Snapshot> {
    const reader = this.#reader;
    const { stream, pool, producer, options } = this.#pipeline;
    const [info, tail, allGroups, dlq, connected, owned] = await Promise.all([
      reader.infoStreamSummary(),
      reader.tailBounded(TAIL_LENGTH, TAIL_BOUNDS),
      reader.infoGroups(),
      this.#deadLetterView(),
      ConnectedConsumers.of(reader),
      this.#pipeline.ownedGroups(),
    ]);
    // Closing ones too: shown as closing, not as run elsewhere (see `present`).
    const workers = pool.present();
    const { kept: groups, omitted: groupsOmitted } = this.#chooseGroups(allGroups, workers);
    const perGroup = (
      await Promise.all(
        groups.map(async (group) => {
          try {
            const consumersRead = this.#consumerLists.of(
              group,
              (name) => reader.infoConsumers(name),
              Date.now(),
            );
            const [consumers, pending, summary, backlog] = await Promise.all([
              consumersRead,
              group.pending > 0
                ? this.#pendingRows(group.name, consumersRead)
                : Promise.resolve({ rows: [], capped: false }),
              group.pending > 0 ? reader.pendingSummary(group.name) : Promise.resolve(null),
              this.#backlog.measure(reader, group, info),
            ]);
            // Only what the cap left out is omitted, counted by XPENDING's summary, sent with the rows. XINFO GROUPS
            // counted a moment earlier: against it, a group whose 30 pending became 20 by acks in between had 10
            // "left out" of rows that listed every one of them.
            const omitted = pending.capped ? Math.max(0, (summary?.count ?? 0) - pending.rows.length) : 0;
            return {
              group,
              consumers,
              pending: pending.rows,
              omitted,
              oldestPendingId: summary?.minId ?? null,
              backlog,
            };
          } catch (error) {
            // Deleted between XINFO GROUPS and these reads (a reset, here or in another process): it is
            // simply gone from this snapshot, not a failed one.
            if (error instanceof GroupNotFoundError) return null;
            throw error;
          }
        }),
      )
    ).filter((group) => group !== null);
    // A group left out is not measured: what its gauge knew would be stale by the time it came back.
    this.#backlog.keepOnly(groups.map((group) => group.name));
    this.#consumerLists.keepOnly(groups.map((group) => group.name));
    const at = Date.now();
    const rates = this.#rates(at, info?.entriesAdded ?? null, groups);
    // The pending entries of groups left out are left out too.
    const pendingOf = (list: readonly GroupInfo[]) => list.reduce((sum, group) => sum + group.pending, 0);
    let omitted = pendingOf(allGroups) - pendingOf(groups);
    const pendingRows = perGroup.flatMap(({ group, pending, omitted: leftOut }) => {
      omitted += leftOut;
      return pending.map((row) => ({ group: group.name, ...row }));
    });
    const snapshot: Snapshot = {
      type: 'snapshot',
      seq: ++this.#seq,
      at,
      stream: {
        key: stream.streamKey,
        exists: info !== null,
        length: info?.length ?? 0,
        firstEntryId: info?.firstEntryId ?? null,
        lastEntryId: info?.lastEntryId ?? null,
        lastGeneratedId: info?.lastGeneratedId ?? null,
        entriesAdded: info?.entriesAdded ?? null,
      },
      // Bounded, in Redis: any client may write a megabyte into one field (see TAIL_BOUNDS).
      tail: tail.entries,
      ...omittedOf('tailOmitted', tail, TAIL_LENGTH, info?.length ?? 0),
      groups: perGroup.map(({ group, consumers, oldestPendingId, backlog }) => ({
        ...groupView(group, consumers, workers, connected, rates.groups.get(group.name)),
        createdByStreamscope: owned?.has(group.name) ?? false,
        ...backlog,
        oldestPendingMs: oldestPendingId === null ? null : entryAgeMs(oldestPendingId, at),
        autoReap: this.#pipeline.autoReapEnabled(group.name),
        duplicates: this.#pipeline.groupCounters.get(group.name)?.duplicates ?? 0,
        deadLettered: this.#pipeline.groupCounters.get(group.name)?.deadLettered ?? 0,
        guardMarksLost: this.#pipeline.guardMarksLost(group.name),
      })),
      groupsOmitted,
      pending: { rows: pendingRows, omitted },
      totals: this.#pipeline.totals(),
      resets: this.#pipeline.resetsBegun,
      producer: producer.state(),
      producedPerSec: rates.producedPerSec,
      claimMinIdleMs: options.claimMinIdleMs,
      maxlen: options.maxlen,
      dlq,
      retention: { maxAgeMs: this.#pipeline.retention.maxAgeMs },
      thresholds: { ...this.#thresholds },
      alerts: [],
    };
    const names = snapshot.groups.map((group) => group.name);
    this.#trimGrowth.keepOnly(names);
    // Dead letters are this process's own, each timed as written: one lately alerts, whether or not a snapshot saw
    // the count before (a --no-reset start's drain before any page looked), and none of hours ago does (a page
    // opened long after, whose first snapshot saw the count grown from 0).
    const letteredLately = (group: string) => {
      const at = this.#pipeline.groupCounters.get(group)?.lastDeadLetteredAt ?? null;
      return at !== null && snapshot.at - at < GROWTH_ALERT_MS;
    };
    snapshot.alerts = alertsOf(snapshot, this.#thresholds, (metric, group, count) =>
      metric === 'deadLettered' ? letteredLately(group) : this.#trimGrowth.growing(group, count, snapshot.at),
    );
    return snapshot;
  }

  /**
   * What the charts draw of this moment, read while no page watches, in place of a snapshot: the history a page
   * gets on opening then reaches back over the minutes before it too. XINFO STREAM and GROUPS and each group's
   * backlog, of the groups a snapshot carries, with the same rates (the two share their samples); none of the
   * consumers, pending rows, tail or dead letters a snapshot reads besides, which a chart has no use for.
   */
  async sample(): Promise<HistoryPoint> {
    const reader = this.#reader;
    const [info, allGroups] = await Promise.all([reader.infoStreamSummary(), reader.infoGroups()]);
    const { kept: groups } = this.#chooseGroups(allGroups);
    const backlogs = await Promise.all(groups.map((group) => this.#backlog.measure(reader, group, info)));
    this.#backlog.keepOnly(groups.map((group) => group.name));
    const at = Date.now();
    const rates = this.#rates(at, info?.entriesAdded ?? null, groups);
    return historyPoint({
      at,
      producedPerSec: rates.producedPerSec,
      stream: { entriesAdded: info?.entriesAdded ?? null },
      groups: groups.map((group, index) => ({
        ...group,
        deliveredPerSec: rates.groups.get(group.name)?.deliveredPerSec ?? 0,
        ackedPerSec: rates.groups.get(group.name)?.ackedPerSec ?? 0,
        lag: backlogs[index]?.lag ?? null,
      })),
    });
  }

  /** The groups a snapshot (or sample) carries: those `workers` of this process read first (see `chooseGroups`). */
  #chooseGroups(groups: readonly GroupInfo[], workers = this.#pipeline.pool.workers()) {
    return chooseGroups(groups, LIMITS.snapshotGroups, new Set(workers.map((worker) => worker.group)));
  }

  /**
   * Rates over the last second or so: workers ack in batches, so a single 250 ms interval would flicker
   * between 0 and twice the true rate. Zero until there is an earlier sample.
   */
  #rates(at: number, entriesAdded: number | null, groupInfo: readonly GroupInfo[]) {
    const produced = this.#pipeline.totals().produced;
    const local = this.#pipeline.groupCounters;
    const current: RateSample = {
      at,
      added: entriesAdded,
      produced,
      groups: new Map(
        groupInfo.map((group) => [
          group.name,
          {
            entriesRead: group.entriesRead,
            pending: group.pending,
            delivered: local.get(group.name)?.delivered ?? 0,
            acked: local.get(group.name)?.acked ?? 0,
          },
        ]),
      ),
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
    // From Redis's own counts where it has them, so a group served by workers in other processes shows
    // their pace too: entries newly read, and of those, pending ones acked (read minus the pending growth). Or
    // this process's own counts when larger: a group's cursor moved back sets its entries-read back, and the
    // entries it reads again only bring it to where it was, a replay Redis's count never shows.
    const groups = new Map<string, { deliveredPerSec: number; ackedPerSec: number }>();
    for (const [name, now] of current.groups) {
      const before = previous?.groups.get(name);
      if (now.entriesRead !== null && before?.entriesRead != null) {
        const read = now.entriesRead - before.entriesRead;
        const ackedOfRead = read - (now.pending - before.pending);
        groups.set(name, {
          deliveredPerSec: perSec(Math.max(read, now.delivered - before.delivered), 0),
          ackedPerSec: perSec(Math.max(ackedOfRead, now.acked - before.acked), 0),
        });
      } else {
        // A group new since the base sample has no rate yet, not its whole count in one second.
        groups.set(name, {
          deliveredPerSec: perSec(now.delivered, before?.delivered),
          ackedPerSec: perSec(now.acked, before?.acked),
        });
      }
    }
    const producedPerSec =
      current.added !== null && previous?.added != null
        ? perSec(current.added, previous.added)
        : perSec(produced, previous?.produced);
    return { producedPerSec, groups };
  }
}

/**
 * `{ [name]: how many of the newest `count` a bounded read left out }`, or nothing when it left none out: the snapshot
 * of an ordinary stream is the same as before there were bounds. The length is read beside the entries, so it may
 * be a little behind or ahead of them.
 */
function omittedOf<Name extends string>(
  name: Name,
  read: BoundedRead<unknown>,
  count: number,
  length: number,
): { [key in Name]?: number } {
  const left = read.stoppedShort ? Math.min(count, length) - read.entries.length : 0;
  return left > 0 ? ({ [name]: left } as { [key in Name]: number }) : {};
}

/**
 * Consumers in the order a person counts them: Redis lists them byte by byte (worker-1, worker-10, worker-2),
 * and a worker that has not read yet came last until its first read moved it.
 */
const byName = new Intl.Collator('en', { numeric: true });

function groupView(
  group: GroupInfo,
  consumers: readonly ConsumerInfo[],
  workers: readonly ConsumerWorker[],
  connected: ConnectedConsumers | null,
  rates: { deliveredPerSec: number; ackedPerSec: number } | undefined,
): Omit<
  GroupView,
  | 'oldestPendingMs'
  | 'autoReap'
  | 'duplicates'
  | 'deadLettered'
  | 'guardMarksLost'
  | 'trimmedUnread'
  | 'createdByStreamscope'
> {
  const ours = new Map(workers.filter((worker) => worker.group === group.name).map((w) => [w.name, w]));
  const connectedNames = new Set(connected?.consumersOf(group.name) ?? []);
  // A worker Redis does not list yet (it has not read once) is still part of the group's picture, here or in
  // another process (one paused before its first read, as a restart brings a pause back).
  const listed = new Set(consumers.map((consumer) => consumer.name));
  const unlisted = new Set([...ours.keys(), ...connectedNames].filter((name) => !listed.has(name)));
  const everyone: ConsumerInfo[] = [
    ...consumers,
    ...[...unlisted].map((name) => ({ name, pending: 0, idleMs: 0, inactiveMs: null })),
  ];
  // Chosen before the views are made: a group of 20,000 consumers makes 200 of them, not 20,000.
  const { kept, omitted } = chooseConsumers(
    everyone,
    LIMITS.snapshotConsumersPerGroup,
    new Set(ours.keys()),
    connectedNames,
  );
  const views: ConsumerView[] = kept.map((consumer) => {
    const worker = ours.get(consumer.name);
    return {
      ...consumer,
      worker: worker ? workerView(worker) : null,
      connected: connected === null ? null : connectedNames.has(consumer.name),
    };
  });
  views.sort((a, b) => byName.compare(a.name, b.name));
  return {
    name: group.name,
    pending: group.pending,
    lastDeliveredId: group.lastDeliveredId,
    entriesRead: group.entriesRead,
    lag: group.lag,
    consumers: views,
    consumersOmitted: omitted,
    deliveredPerSec: rates?.deliveredPerSec ?? 0,
    ackedPerSec: rates?.ackedPerSec ?? 0,
  };
}

function workerView(worker: ConsumerWorker): WorkerView {
  const {
    state,
    paused,
    alive,
    crashQueued,
    processed,
    duplicates,
    reaped,
    crashedDrops,
    failures,
    lastError,
  } = worker.status();
  return {
    state,
    paused,
    alive,
    crashQueued,
    processed,
    duplicates,
    reaped,
    crashedDrops,
    failures,
    lastError,
    recent: worker
      .recent()
      .reverse()
      .slice(0, LIMITS.snapshotRecentPerWorker)
      .map(({ id, eventType, outcome, deliveryCount, ts }) => ({
        id,
        eventType: boundedType(eventType),
        outcome,
        deliveryCount,
        ts,
      })),
  };
}

/**
 * IDs whose time part is before this are no times: another client's explicit IDs (`1-1`, an order number).
 * 2000-01-01, long before any stream.
 */
const EARLIEST_ID_TIME_MS = Date.UTC(2000, 0, 1);

/**
 * How long ago the entry was added, from its ID's time; `null` when its ID holds no time (see
 * `EARLIEST_ID_TIME_MS`): taken for one, `1-1` was 56 years old and raised the oldest-pending alert.
 */
export function entryAgeMs(id: string, now: number): number | null {
  const time = entryIdTime(id);
  return time < EARLIEST_ID_TIME_MS ? null : Math.max(0, now - time);
}
