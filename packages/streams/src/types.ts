/** The fields every entry this library writes starts with, before its payload. */
export const FIXED_FIELDS = ['type', 'ts_ms'] as const;

/**
 * Field/value strings of one event, `type` and `ts_ms` first, as every entry this library writes has them. An entry
 * another producer wrote without them reads `''` for either, which `Object.keys`, a spread and `JSON.stringify`
 * leave out: they are not its fields. Set, either becomes one.
 */
export interface EventFields {
  readonly type: string;
  readonly ts_ms: string;
  readonly [field: string]: string;
}

/** Payload values are stored as strings; numbers and booleans are written with `String()`. */
export type EventPayload = Readonly<Record<string, string | number | boolean>>;

export interface EventInput {
  readonly type: string;
  readonly payload?: EventPayload;
}

/** One stream entry as read back. */
export interface StreamEntry {
  readonly id: string;
  /** The millisecond Unix time in the ID, i.e. when Redis appended the entry. */
  readonly idMs: number;
  readonly fields: EventFields;
}

/** `XINFO STREAM` without the first and last entries' fields (see `EventStream.infoStreamSummary`). */
export interface StreamSummary {
  readonly length: number;
  readonly radixTreeKeys: number;
  readonly radixTreeNodes: number;
  readonly lastGeneratedId: string;
  readonly maxDeletedEntryId: string | null;
  readonly entriesAdded: number | null;
  readonly recordedFirstEntryId: string | null;
  readonly groups: number;
  /** The oldest entry's ID; `null` when the stream is empty. */
  readonly firstEntryId: string | null;
  /** The newest entry's ID; `null` when the stream is empty. */
  readonly lastEntryId: string | null;
}

export interface StreamInfo extends StreamSummary {
  readonly firstEntry: StreamEntry | null;
  readonly lastEntry: StreamEntry | null;
}

export interface GroupInfo {
  readonly name: string;
  readonly consumers: number;
  readonly pending: number;
  readonly lastDeliveredId: string;
  /** `null` when Redis cannot tell (e.g. after a trim past the group's cursor), never a made-up 0. */
  readonly entriesRead: number | null;
  /** Entries not yet delivered to the group; `null` when Redis reports none. */
  readonly lag: number | null;
}

export interface ConsumerInfo {
  readonly name: string;
  readonly pending: number;
  /** Milliseconds since the consumer's last attempted interaction (read or claim). */
  readonly idleMs: number;
  /** Milliseconds since the last successful interaction; Redis 7.2+ only, `null` before. */
  readonly inactiveMs: number | null;
}

export interface PendingSummary {
  readonly count: number;
  readonly minId: string | null;
  readonly maxId: string | null;
  readonly consumers: readonly { readonly name: string; readonly pending: number }[];
}

export interface PendingEntry {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  readonly deliveries: number;
}

/**
 * What `EventStream.claimOne` did: claimed, from which consumer and at which delivery count now, or why not,
 * with the entry's pending row as it found it (none when the entry is not pending in the group).
 */
export type ClaimOneResult =
  | {
      readonly claimed: true;
      readonly entry: StreamEntry;
      /** The consumer that held it. */
      readonly from: string;
      /** Its delivery count after the claim, which counts as a delivery. */
      readonly deliveryCount: number;
    }
  | { readonly claimed: false; readonly reason: 'not-pending' }
  | {
      readonly claimed: false;
      /**
       * `own`: the consumer holds it already. `idle`: idle less than `minIdleMs` (its consumer may have it in
       * hand). `trimmed`: its payload is gone from the stream, and XCLAIM would drop it from the PEL unrecorded;
       * a dead letter (`DeadLetters.sendPending`) records it instead.
       */
      readonly reason: 'own' | 'idle' | 'trimmed';
      readonly pending: PendingEntry;
    };

/**
 * Where one entry stands in one group (see `EventStream.entryPlaces`), beside the group's `lastDeliveredId`:
 * `pending` at a consumer, delivered and not acked; `done`, at or before the group's cursor and not pending: acked,
 * dead-lettered, or passed over (the group was created, or its cursor set, past it); `unread`, after the cursor: not
 * delivered to the group yet (never, if it is no longer in the stream).
 */
export type EntryPlace =
  | {
      readonly group: string;
      readonly lastDeliveredId: string;
      readonly state: 'pending';
      readonly consumer: string;
      readonly idleMs: number;
      readonly deliveries: number;
    }
  | { readonly group: string; readonly lastDeliveredId: string; readonly state: 'done' | 'unread' };

export interface EntryPlaces {
  /** One per group, in XINFO GROUPS order (by name), up to the bound asked for. */
  readonly places: EntryPlace[];
  /** Groups past the bound, not looked in. */
  readonly groupsOmitted: number;
}

/** What `EventStream.findByField` found: newest first, each match's ID and type (`null` when it has none). */
export interface FoundEntries {
  readonly matches: { readonly id: string; readonly type: string | null }[];
  /** How many entries it read. */
  readonly read: number;
  /** The last ID it read when it stopped before the stream's oldest entry, to search on from; else `null`. */
  readonly stoppedAt: string | null;
}

export interface AutoclaimResult {
  readonly claimed: StreamEntry[];
  /**
   * Pending IDs whose payload was trimmed; Redis already dropped them from the PEL. With a `deadLetterKey`,
   * only those not dead-lettered in the same step (delivered lately, so perhaps still in someone's hands).
   */
  readonly deletedIds: string[];
  /**
   * The delivery counts the PEL held for `deletedIds`, by ID, read in the same step as the claim that dropped them
   * (only with a `deadLetterKey`, and only for IDs below the stream's oldest entry, or up to the largest ID XDEL
   * removed from it): after it, no XPENDING has them.
   */
  readonly deletedDeliveryCounts: ReadonlyMap<string, number>;
  /** The consumers whose PEL held `deletedIds`, by ID, read as `deletedDeliveryCounts` are. */
  readonly deletedHolders: ReadonlyMap<string, string>;
  /** Trimmed IDs dead-lettered in the same step as the claim (only with a `deadLetterKey`). */
  readonly deadLettered: TrimmedLetter[];
  /**
   * Where the scan stopped: `0-0` once it went through the whole PEL, else the `startId` that continues it
   * (the claim ran out of `maxPages`).
   */
  readonly cursor: string;
}

/** A pending entry found trimmed, and who held it. */
export interface TrimmedLetter {
  readonly id: string;
  /** The consumer whose PEL held it. */
  readonly consumer: string;
  readonly deliveryCount: number;
}

/** A batch `consumeBacklogBatch` read: its size known at once, its entries parsed when first asked for. */
export interface BacklogBatch {
  /** How many entries Redis delivered to the consumer. */
  readonly size: number;
  /** The entries, parsed on the first call (most of the client's CPU a batch costs); the same array after. */
  entries(): StreamEntry[];
}

export interface OwnPelRead {
  readonly entries: StreamEntry[];
  /** IDs still in the consumer's PEL whose payload was trimmed away. */
  readonly deletedIds: string[];
}

export interface HandoverResult {
  /** Entries now owned by the receiving consumer. */
  readonly moved: number;
  /**
   * Which they are, in ID order, each with its delivery count: a handover (XCLAIM JUSTID) does not count as a
   * delivery, so it is the count the giving consumer had.
   */
  readonly movedEntries: readonly MovedEntry[];
  /**
   * Entries that were pending but whose payload was trimmed. Without a dead-letter stream Redis drops them
   * from the PEL on claim; with one, they are in `deadLettered` too.
   */
  readonly deleted: number;
  /** The trimmed ones written to the dead-letter stream (reason `trimmed`) and acked, when it was given. */
  readonly deadLettered?: readonly TrimmedLetter[];
}

/** One entry a handover moved. */
export interface MovedEntry {
  readonly id: string;
  readonly deliveryCount: number;
}

export interface StreamStats {
  readonly produced: number;
  readonly acked: number;
  readonly claimed: number;
}
