import { z } from 'zod';
import { historySchema } from './history.js';

export const PROTOCOL_VERSION = 1;

/**
 * What a pushed view left out of an entry's fields (the server sends at most 100, each cut at 1,000 characters):
 * `fields` not sent, `values` (names or values) shortened, each ending in `…`. Absent when nothing was.
 */
const cutSchema = z.object({ fields: z.number(), values: z.number() });

const entrySchema = z.object({
  id: z.string(),
  idMs: z.number(),
  fields: z.record(z.string(), z.string()),
  cut: cutSchema.optional(),
});
export type EntryView = z.infer<typeof entrySchema>;

export const lifecycleKindSchema = z.enum([
  'produced',
  'delivered',
  'acked',
  'dropped',
  'failed',
  'claimed',
  'deleted',
  'dead-lettered',
  'duplicate',
  /** A dead letter of the entry was put back on the stream; `reason` names the new entry. */
  'requeued',
]);
export type LifecycleKindView = z.infer<typeof lifecycleKindSchema>;

/** One step of one entry: produced once, then per group delivered/acked/dropped/failed/claimed/deleted. */
export const lifecycleEventSchema = z.object({
  kind: lifecycleKindSchema,
  id: z.string(),
  /** `null` for `produced`, which happens before any group sees the entry. */
  group: z.string().nullable(),
  consumer: z.string().nullable(),
  deliveryCount: z.number().nullable(),
  eventType: z.string().nullable(),
  reason: z.string().nullable(),
  ts: z.number(),
});
export type LifecycleEventView = z.infer<typeof lifecycleEventSchema>;

const recentOutcomeSchema = z.object({
  id: z.string(),
  eventType: z.string().nullable(),
  outcome: z.enum(['acked', 'duplicate', 'dropped', 'failed', 'deleted', 'dead-lettered']),
  deliveryCount: z.number().nullable(),
  ts: z.number(),
});

const workerSchema = z.object({
  state: z.enum(['new', 'running', 'closing', 'closed']),
  paused: z.boolean(),
  alive: z.boolean(),
  crashQueued: z.number(),
  /** Entries handled and acked, duplicates (acked without the work done again) apart. */
  processed: z.number(),
  duplicates: z.number(),
  reaped: z.number(),
  crashedDrops: z.number(),
  failures: z.number(),
  lastError: z.string().nullable(),
  recent: z.array(recentOutcomeSchema),
});
export type WorkerView = z.infer<typeof workerSchema>;

const consumerSchema = z.object({
  name: z.string(),
  pending: z.number(),
  idleMs: z.number(),
  inactiveMs: z.number().nullable(),
  /** The worker this server runs under that name; `null` for a consumer known only to Redis. */
  worker: workerSchema.nullable(),
  /**
   * Whether a Streamscope worker for this consumer has a connection open to Redis, from this process or
   * another; `null` when Redis would not say (CLIENT LIST not permitted).
   */
  connected: z.boolean().nullable(),
});
export type ConsumerView = z.infer<typeof consumerSchema>;

const groupSchema = z.object({
  name: z.string(),
  /**
   * Whether Streamscope created it (seeded, `group.create`, or a consumer's add), as `<stream key>:owned` notes.
   * `false`: another application's group, which Streamscope watches and will not join, move or delete through its
   * API.
   */
  createdByStreamscope: z.boolean(),
  pending: z.number(),
  lastDeliveredId: z.string(),
  entriesRead: z.number().nullable(),
  /** `null` when Redis cannot tell, shown as unknown; never a made-up 0. */
  lag: z.number().nullable(),
  /**
   * Entries trimmed before this group read them: its lag beyond the stream's oldest entry, which its next
   * read skips for good. `null` with the lag.
   */
  trimmedUnread: z.number().nullable(),
  /**
   * At most `LIMITS.snapshotConsumersPerGroup` of the group's consumers, in counting order by name: chosen as the
   * ones this server runs a worker for, then those holding pending entries (most first), then those with a
   * Streamscope worker connected in another process, then the most recently active (lowest idle).
   */
  consumers: z.array(consumerSchema),
  /** The group's other consumers, left out of `consumers`: the group has `consumers.length` plus this many. */
  consumersOmitted: z.number(),
  /** Per second, over the last snapshot interval. */
  deliveredPerSec: z.number(),
  ackedPerSec: z.number(),
  /**
   * Age of the oldest pending entry (from its ID's time), `null` when nothing is pending or its ID holds no time
   * (another client's explicit IDs, `1-1`).
   */
  oldestPendingMs: z.number().nullable(),
  /** Whether the auto-reaper runs XAUTOCLAIM on a timer in this group's workers. */
  autoReap: z.boolean(),
  /** Redeliveries of an entry this group had already processed, caught by the once-per-id guard. */
  duplicates: z.number(),
  deadLettered: z.number(),
  /**
   * Batches of the guard's marks Redis refused (out of memory, away) since they last landed, 0 while they land: the
   * entries of those batches, should they come again, are handled again rather than caught as duplicates.
   */
  guardMarksLost: z.number(),
});
export type GroupView = z.infer<typeof groupSchema>;

/**
 * An entry in the dead-letter stream: where it came from, why it is there, and its original fields, bounded as an
 * entry's are (in the snapshot and in `dlq.list` alike); its original ID, group, consumer and reason, which any
 * client may write there, are cut at 1,000 characters too, each counted in `cut.values`. Requeue writes the letter's
 * fields back whole, from Redis.
 */
export const deadLetterSchema = z.object({
  /** Its ID in the dead-letter stream, whole: requeue and discard go by it. */
  id: z.string(),
  originalId: z.string(),
  group: z.string(),
  consumer: z.string(),
  deliveryCount: z.number().nullable(),
  reason: z.string(),
  ts: z.number(),
  fields: z.record(z.string(), z.string()),
  cut: cutSchema.optional(),
});
export type DeadLetterView = z.infer<typeof deadLetterSchema>;

/** A figure past its alert threshold, e.g. a group whose lag is over the limit. */
export const alertSchema = z.object({
  /**
   * `deadLettered`: the group's count of dead-lettered entries (since the server started), raised while it grew in
   * the last minute. `cursorAhead`: the group's last-delivered ID is past the stream's last generated ID (set there
   * by hand, or the stream re-created under it), so entries appended now, with lower IDs, never reach it; `value` is
   * how many milliseconds of IDs lie between the two. `guardMarksLost`: the group's once-per-ID guard cannot record
   * what its workers handle (see the group's `guardMarksLost`), raised until its marks land again.
   */
  metric: z.enum([
    'lag',
    'pending',
    'oldestPendingMs',
    'consumerIdleMs',
    'trimmedUnread',
    'deadLettered',
    'cursorAhead',
    'guardMarksLost',
  ]),
  /** `group` or `group/consumer`. */
  subject: z.string(),
  value: z.number(),
  threshold: z.number(),
});
export type AlertView = z.infer<typeof alertSchema>;

export const pendingRowSchema = z.object({
  group: z.string(),
  consumer: z.string(),
  id: z.string(),
  idleMs: z.number(),
  deliveries: z.number(),
  /** The entry's `type` field; `null` when the entry was trimmed away while pending, or not read (`typeNotRead`). */
  eventType: z.string().nullable(),
  /**
   * The entry was not read for its type: a snapshot reads about 1 MB of a group's pending entries for their types,
   * and those before it are large. Absent when it was read.
   */
  typeNotRead: z.literal(true).optional(),
});
export type PendingRowView = z.infer<typeof pendingRowSchema>;

export const snapshotSchema = z.object({
  type: z.literal('snapshot'),
  seq: z.number(),
  at: z.number(),
  stream: z.object({
    key: z.string(),
    exists: z.boolean(),
    length: z.number(),
    firstEntryId: z.string().nullable(),
    lastEntryId: z.string().nullable(),
    lastGeneratedId: z.string().nullable(),
    entriesAdded: z.number().nullable(),
  }),
  /** The stream's newest entries (up to 10), newest first, each bounded. */
  tail: z.array(entrySchema),
  /**
   * Of those newest entries, how many were left out because they are large: a snapshot reads and sends at most
   * about 1 MB and 128 KB of them. Absent when none was; a replay reads them.
   */
  tailOmitted: z.number().optional(),
  /** At most `LIMITS.snapshotGroups` of the stream's groups: those this server runs workers for, then in Redis's order. */
  groups: z.array(groupSchema),
  /** The stream's other groups, left out of `groups` (and of `pending`, the alerts and the rates). */
  groupsOmitted: z.number(),
  pending: z.object({
    rows: z.array(pendingRowSchema),
    /** Rows per group are capped, and groups left out have none; this many pending entries were left out. */
    omitted: z.number(),
  }),
  /**
   * This server's resets that began deleting the stream since it started, counted before the DEL: a page tells the
   * stream deleted by this server's reset (from any page) from one deleted under it, by anything else.
   */
  resets: z.number(),
  totals: z.object({
    produced: z.number(),
    acked: z.number(),
    claimed: z.number(),
    deadLettered: z.number(),
  }),
  dlq: z.object({
    key: z.string(),
    length: z.number(),
    /** The newest dead letters (up to 50), newest first, each bounded. */
    newest: z.array(deadLetterSchema),
    /**
     * Of those newest letters, how many were left out because they are large: a snapshot reads and sends at most
     * about 1 MB and 256 KB of them. Absent when none was; `dlq.list` lists them, before the last one pushed.
     */
    omitted: z.number().optional(),
    /** Why the dead letters could not be read (their key holds another type); absent when they could. */
    unreadable: z.string().optional(),
  }),
  retention: z.object({ maxAgeMs: z.number().nullable() }),
  thresholds: z.object({
    lag: z.number(),
    pending: z.number(),
    oldestPendingMs: z.number(),
    consumerIdleMs: z.number(),
  }),
  alerts: z.array(alertSchema),
  producer: z.object({
    running: z.boolean(),
    rate: z.number(),
    eventType: z.string().nullable(),
    /** Its appends keep failing (Redis out of memory, away): since when, how many batches, the latest reason. */
    failing: z.object({ since: z.number(), batches: z.number(), reason: z.string() }).nullable(),
  }),
  producedPerSec: z.number(),
  claimMinIdleMs: z.number(),
  maxlen: z.number().nullable(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const helloSchema = z.object({
  type: z.literal('hello'),
  version: z.number(),
  streamKey: z.string(),
  maxlen: z.number().nullable(),
  claimMinIdleMs: z.number(),
  deadLetterKey: z.string(),
  maxDeliveries: z.number(),
  /** How often a snapshot is pushed (besides right after each command). */
  snapshotIntervalMs: z.number(),
});
export type Hello = z.infer<typeof helloSchema>;

export const deliveriesSchema = z.object({
  type: z.literal('deliveries'),
  events: z.array(lifecycleEventSchema),
  /** Older events of this tick beyond the per-tick cap, counted but not sent: the newest are. */
  omitted: z.number(),
});
export type Deliveries = z.infer<typeof deliveriesSchema>;

/** New entries seen by the read-only tail (XREAD BLOCK, no group), batched per tick. */
export const liveTailSchema = z.object({
  type: z.literal('tail'),
  entries: z.array(entrySchema),
  /** Older entries of this tick beyond the per-tick cap, counted but not sent: the newest are. */
  omitted: z.number(),
});
export type LiveTail = z.infer<typeof liveTailSchema>;

export const resultSchema = z.object({
  type: z.literal('result'),
  requestId: z.string(),
  command: z.string(),
  result: z.unknown(),
});
export type ResultMessage = z.infer<typeof resultSchema>;

export const errorSchema = z.object({
  type: z.literal('error'),
  /** `null` when the message was too broken to carry one. */
  requestId: z.string().nullable(),
  /**
   * `busy`: the client already has as many commands running as it may; the same command sent once those are
   * answered may well succeed. `refused`: not possible as things stand (a last consumer, a full stream, a foreign
   * origin), however often it is sent.
   */
  code: z.enum([
    'bad_json',
    'bad_request',
    'not_found',
    'conflict',
    'refused',
    'busy',
    'unavailable',
    'internal',
  ]),
  message: z.string(),
  /** The command's arguments the error is about, by name, when it is about values given (a `bad_request`). */
  fields: z.array(z.string()).optional(),
});
export type ErrorMessage = z.infer<typeof errorSchema>;
export type ErrorCode = ErrorMessage['code'];

/**
 * Whether the server can still build snapshots. Sent when that changes, and on connecting while it cannot:
 * the snapshot a page then holds is the last good one, and the page should say how old it is.
 */
export const healthSchema = z.object({
  type: z.literal('health'),
  /** When snapshots started failing; `null` once they work again. */
  failingSince: z.number().nullable(),
  /** Why, as the API would put it ("Redis is unavailable; …"); `null` when all is well. */
  reason: z.string().nullable(),
});
export type Health = z.infer<typeof healthSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  snapshotSchema,
  deliveriesSchema,
  liveTailSchema,
  resultSchema,
  errorSchema,
  healthSchema,
  historySchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
