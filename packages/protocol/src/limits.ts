/** Bounds every client must respect; the server enforces them with the schemas in this package. */
export const LIMITS = {
  produceMax: 10_000,
  producerRateMax: 50_000,
  replayMax: 500,
  crashMax: 1_000,
  nameMax: 64,
  /** Consumers one server runs at once: each holds a Redis connection of its own. */
  consumersMax: 100,
  eventTypeMax: 64,
  poisonMax: 100,
  dlqListMax: 500,
  reapIntervalMinMs: 100,
  /** The longest field name, and value, an entry search (`entry.find`) takes. */
  findFieldMax: 256,
  findValueMax: 1_024,
  /** Lifecycle events one `deliveries` message carries at most (trouble first); the rest are counted as omitted. */
  feedPerTick: 500,
  /**
   * Entries whose steps the server keeps for `entry.history`, the newest first seen: those that went well, and apart
   * from them those that had trouble (a drop, a failure, a claim, a dead letter), so a flood of acks does not push
   * a dead letter's story out within seconds.
   */
  historyEntries: 20_000,
  historyTroubledEntries: 5_000,
  /**
   * Consumers of one group a snapshot carries at most; the rest are counted in the group's `consumersOmitted`.
   * Redis keeps a consumer until it is deleted, and a deployment that names one per pod gathers thousands: 20,000 made
   * every snapshot (four a second, to every page) 1.9 MB. Two hundred rows is what the compact table (one row each,
   * about 30 px, scrolling in its frame) still lets a person scan and sort.
   */
  snapshotConsumersPerGroup: 200,
  /**
   * Groups a snapshot carries at most (those this server runs workers for first); the rest are counted in
   * `groupsOmitted`, and no Redis command is sent for them in the tick.
   */
  snapshotGroups: 50,
  /**
   * A worker's recent outcomes a snapshot carries, newest first: what its card shows. The worker keeps 20 (for
   * `GET /state`); sent whole they were 22 KB of an idle 27 KB snapshot with 10 consumers, four times a second.
   */
  snapshotRecentPerWorker: 6,
} as const;

/** The event types the demo producer picks from when none is chosen. */
export const DEMO_EVENT_TYPES = ['order.placed', 'order.paid', 'order.shipped', 'order.cancelled'] as const;

/** The event type that asks for one of {@link DEMO_EVENT_TYPES} per event, as the reference demo's form says it. */
export const RANDOM_EVENT_TYPE = 'random';

/** The event type whose demo handler always fails: a poison pill, to watch it reach the dead-letter stream. */
export const POISON_EVENT_TYPE = 'poison.pill';

/** The demo's default dead-letter threshold: delivery count at which an entry is dead-lettered. */
export const DEFAULT_MAX_DELIVERIES = 5;
