import { LIMITS, type LifecycleEventView, type Snapshot } from '@streamscope/protocol';
import { entryIdTime } from '@streamscope/streams';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { FIXED_THRESHOLDS, type Thresholds } from '../live/alerts.js';
import { assertRedisReady } from '../pipeline/command-error.js';
import type { Pipeline } from '../pipeline/pipeline.js';

/**
 * The per-group and per-consumer gauges come from the snapshot, so they are capped as it is: a group of 20,000
 * consumers (one per pod, never deleted) would otherwise be 40,000 series in every scrape. The help says so.
 */
const GROUPS_SHOWN = `At most ${LIMITS.snapshotGroups} groups, as the dashboard's snapshot: those this server runs first, then by name.`;
const CONSUMERS_SHOWN = `At most ${LIMITS.snapshotConsumersPerGroup} consumers per group, as the dashboard's snapshot: those this server runs, then those holding pending entries, then Streamscope workers connected elsewhere, then the least idle.`;

/**
 * The pipeline in Prometheus terms: lifecycle counters as they happen, the XADD-to-ack latency histogram,
 * and gauges (lag, pending, oldest pending age, consumer idle, alerts) read from a fresh snapshot per scrape.
 */
export function createMetrics(
  pipeline: Pipeline,
  buildSnapshot: () => Promise<Snapshot>,
  thresholds: Thresholds,
): Registry {
  const registry = new Registry();
  // The process's own figures (resident memory, heap, event-loop lag, GC), under prom-client's standard names
  // (process_*, nodejs_*): a server that runs for days is watched for growth from Prometheus, not ps.
  collectDefaultMetrics({ register: registry });
  // prom-client collects every metric at once on a scrape; they share one refresh from one snapshot. The
  // per-group counters wait for it too: it starts each group's at 0, in time for the scrape that first sees it.
  let refreshing: Promise<void> | undefined;
  const collect = () => {
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };
  const counter = (name: string, help: string, labelNames: readonly string[]) =>
    new Counter({ name, help, labelNames, registers: [registry], collect });
  const byGroup = ['group'] as const;
  const produced = new Counter({
    name: 'streamscope_produced_total',
    help: 'Entries appended.',
    registers: [registry],
  });
  const acked = counter('streamscope_acked_total', 'Entries acked, per group.', byGroup);
  const claimed = counter(
    'streamscope_claimed_total',
    "Entries taken over: by XAUTOCLAIM, a claim by hand, or a removed consumer's handover.",
    byGroup,
  );
  const deadLettered = counter('streamscope_dead_lettered_total', 'Entries moved to the DLQ.', byGroup);
  const duplicates = counter('streamscope_duplicates_total', 'Redeliveries already processed.', byGroup);
  const failed = counter('streamscope_failed_total', 'Handler failures.', byGroup);
  const latency = new Histogram({
    name: 'streamscope_xadd_to_ack_seconds',
    help: 'From the entry ID time (XADD) to its XACK, per group.',
    labelNames: byGroup,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  // A group's counters start at 0 once it is first seen, in a scrape or in its first step here: a scrape in an
  // outage that no earlier scrape had seen the groups of left out their claimed, failed and dead-lettered series.
  const seenGroups = new Set<string>();
  const perGroupCounters = [acked, claimed, deadLettered, duplicates, failed];
  const seeGroup = (group: string) => {
    if (seenGroups.has(group)) return;
    seenGroups.add(group);
    for (const perGroup of perGroupCounters) perGroup.inc({ group }, 0);
  };

  pipeline.observe((event: LifecycleEventView) => {
    const group = event.group ?? '';
    if (event.group !== null) seeGroup(group);
    switch (event.kind) {
      case 'produced':
        produced.inc();
        break;
      case 'acked':
        acked.inc({ group });
        latency.observe({ group }, Math.max(0, event.ts - entryIdTime(event.id)) / 1000);
        break;
      case 'claimed':
        claimed.inc({ group });
        break;
      case 'dead-lettered':
        deadLettered.inc({ group });
        break;
      case 'duplicate':
        duplicates.inc({ group });
        break;
      case 'failed':
        failed.inc({ group });
        break;
      default:
    }
  });

  const gauge = (name: string, help: string, labelNames: readonly string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect });
  const streamLength = gauge('streamscope_stream_length', 'XLEN of the stream.', []);
  const dlqLength = gauge('streamscope_dlq_length', 'XLEN of the dead-letter stream.', []);
  const lag = gauge(
    'streamscope_group_lag',
    `Entries not yet delivered to the group (absent when Redis cannot tell). ${GROUPS_SHOWN}`,
    byGroup,
  );
  const trimmedUnread = gauge(
    'streamscope_group_trimmed_unread',
    `Entries trimmed before the group read them: its lag beyond the oldest entry (absent when unknown). ${GROUPS_SHOWN}`,
    byGroup,
  );
  const pending = gauge('streamscope_group_pending', `Delivered, not yet acked. ${GROUPS_SHOWN}`, byGroup);
  const oldest = gauge(
    'streamscope_group_oldest_pending_seconds',
    `Age of the oldest pending entry (absent while nothing is pending, or its ID holds no time). ${GROUPS_SHOWN}`,
    byGroup,
  );
  const idle = gauge(
    'streamscope_consumer_idle_seconds',
    // As XINFO CONSUMERS says; the alert leaves out a consumer with nothing to do, which this cannot.
    `Since the consumer last read or claimed. Redis 7.0 lets it grow through empty blocking reads, so a healthy consumer of a quiet stream climbs; alert on streamscope_alert{metric="consumerIdleMs"}, which counts it only while work waits. ${CONSUMERS_SHOWN}`,
    ['group', 'consumer'],
  );
  const consumerPending = gauge('streamscope_consumer_pending', `Pending entries owned. ${CONSUMERS_SHOWN}`, [
    'group',
    'consumer',
  ]);
  const alert = gauge('streamscope_alert', 'A figure over its threshold (value is the figure).', [
    'metric',
    'subject',
  ]);
  // The server's settings, not Redis's figures: there during an outage too, beside the alerts they judge.
  const threshold = gauge('streamscope_alert_threshold', 'Alert thresholds.', ['metric']);
  for (const [metric, value] of Object.entries({ ...thresholds, ...FIXED_THRESHOLDS })) {
    threshold.set({ metric }, value);
  }

  const gauges = [streamLength, dlqLength, lag, trimmedUnread, pending, oldest, idle, consumerPending, alert];
  const redisUp = gauge(
    'streamscope_redis_up',
    'Whether this scrape could read Redis (1) or not (0); the Redis-derived gauges are absent while 0.',
    [],
  );
  // This process's own, so known with Redis away too: how an append failing for want of memory shows here.
  const producerFailing = gauge(
    'streamscope_producer_failing_batches',
    "The continuous producer's batches that failed in a row so far (0 while its appends land, or it is stopped).",
    [],
  );
  const refresh = async () => {
    producerFailing.set(pipeline.producer.state().failing?.batches ?? 0);
    let current: Snapshot;
    try {
      // Not waiting out a reconnect while Redis is away: the scrape says so at once.
      assertRedisReady(pipeline.options.redis);
      current = await buildSnapshot();
    } catch {
      // A scrape during an outage still answers: counters, and the news that Redis is down. The Redis
      // figures are unknown, not zero: labelled ones are dropped, the two without labels read NaN.
      for (const g of gauges) g.reset();
      streamLength.set(Number.NaN);
      dlqLength.set(Number.NaN);
      redisUp.set(0);
      return;
    }
    redisUp.set(1);
    for (const g of gauges) g.reset();
    streamLength.set(current.stream.length);
    // A dead-letter key another client wrote over has no length to give: unknown, as during an outage.
    dlqLength.set(current.dlq.unreadable === undefined ? current.dlq.length : Number.NaN);
    for (const group of current.groups) {
      // Every group's counters from its first scrape, at 0 until they count: a series that appears only at its
      // first claim or dead letter leaves rate() and increase() nothing to compare it with.
      seeGroup(group.name);
      if (group.lag !== null) lag.set({ group: group.name }, group.lag);
      if (group.trimmedUnread !== null) trimmedUnread.set({ group: group.name }, group.trimmedUnread);
      pending.set({ group: group.name }, group.pending);
      // Nothing pending has no age: absent, as the JSON's null, where 0 read as an entry just appended. (Every
      // label set went with the reset above, so no series is left over from a scrape when entries were pending.)
      if (group.oldestPendingMs !== null) oldest.set({ group: group.name }, group.oldestPendingMs / 1000);
      for (const consumer of group.consumers) {
        idle.set({ group: group.name, consumer: consumer.name }, consumer.idleMs / 1000);
        consumerPending.set({ group: group.name, consumer: consumer.name }, consumer.pending);
      }
    }
    for (const item of current.alerts) alert.set({ metric: item.metric, subject: item.subject }, item.value);
  };
  return registry;
}
