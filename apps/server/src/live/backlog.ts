import { compareEntryIds, type EventStream, type GroupInfo, type StreamSummary } from '@streamscope/streams';

/** The most entries one count may reach (one script call, see `countEntries`): a bounded cost per group per tick. */
const COUNT_CAP = 100;
/**
 * The most entries the one-off count of a group whose excess is not known yet may reach (ten calls of 1,000): a
 * process started on a stream that already lost entries to trimming would otherwise take Redis's lag, the whole
 * stream and more, for the group's backlog, and raise a lag alert for it.
 */
const FIRST_COUNT_CAP = 10_000;
/** How often that count is tried again for a group too far from both ends for it. */
const FIRST_COUNT_RETRY_MS = 30_000;

export interface Backlog {
  /** Entries waiting for the group; `null` when Redis cannot tell. */
  readonly lag: number | null;
  /** Entries trimmed before the group read them, lost to it for good; `null` when unknown. */
  readonly trimmedUnread: number | null;
}

/**
 * A group's true backlog, and what it lost to trimming.
 *
 * Redis 7.0 counts lag as entries added minus entries read once the group has read, so entries trimmed
 * before the group read them stay in its lag for good, even after its next read skipped them: Redis's lag
 * runs ahead of the truth by what the group lost. The truth is free at both ends (a group at the newest
 * entry has nothing waiting, one behind the oldest has the whole stream waiting) and cheap near them (one
 * count of at most 100 entries, on whichever side of the cursor is short). Everywhere else the last excess
 * measured is taken off Redis's figure: it only grows while the group is behind the oldest entry.
 *
 * A group whose entries-read Redis does not know (one that has not read since it was made at an ID) has no
 * such excess, and once it reads, Redis folds what it lost into its entries read. So losses are also seen
 * directly, between two looks at which the group's cursor stood still and its true lag was known: entries
 * added in between and no longer waiting for it were trimmed unread.
 */
export class BacklogGauge {
  /** Per group: how far Redis's lag ran ahead of the truth when last measured. */
  readonly #excess = new Map<string, number>();
  /** Per group, the entries read when last seen; with the stream's entries added, tells a new incarnation. */
  readonly #lastRead = new Map<string, number>();
  #lastAdded: number | null = null;
  /** Per group: losses seen directly, between looks with the cursor standing still. */
  readonly #lostSeen = new Map<string, number>();
  /** Per group: the last look at which its true lag was known. */
  readonly #lastLook = new Map<string, { cursor: string; added: number; lag: number }>();
  /** Per group whose excess is not known yet: when the one-off count last found it too far to count. */
  readonly #firstCountFailedAt = new Map<string, number>();
  /** Per group: its cursor at the last look, to tell a group being read from one standing still. */
  readonly #cursorSeen = new Map<string, string>();
  /**
   * Per group: its loss as last counted while Redis gave it a lag. Redis gives none after an XDEL past the
   * cursor, which took the excess the count is read from with it: the count dropped to the few losses seen
   * directly, or to unknown, though none of what the group lost came back.
   */
  readonly #lossWithLag = new Map<string, number>();

  async measure(reader: EventStream, group: GroupInfo, stream: StreamSummary | null): Promise<Backlog> {
    this.#forgetOldIncarnations(group, stream);
    // No group can have lost to trimming more than the stream ever lost: a bound that also catches a stream
    // made again (and grown past the old counts) between two looks.
    const removedEver =
      stream?.entriesAdded != null
        ? Math.max(0, stream.entriesAdded - stream.length)
        : Number.POSITIVE_INFINITY;
    for (const remembered of [this.#excess, this.#lostSeen, this.#lossWithLag]) {
      if ((remembered.get(group.name) ?? 0) > removedEver) remembered.set(group.name, removedEver);
    }
    const length = stream?.length ?? 0;
    // Redis's figure less the excess last measured: the answer where nothing better is known.
    const estimate =
      group.lag === null
        ? null
        : Math.min(length, Math.max(0, group.lag - (this.#excess.get(group.name) ?? 0)));
    const exact =
      (await this.#exact(reader, group, stream, estimate)) ?? (await this.#firstCount(reader, group, stream));
    const truth = exact?.lag ?? null;
    if (truth !== null && group.lag !== null) this.#excess.set(group.name, Math.max(0, group.lag - truth));
    this.#cursorSeen.set(group.name, group.lastDeliveredId);
    const seen = this.#seeLosses(group, stream, exact?.asOfSnapshot ? truth : null);
    const excess = this.#excess.get(group.name) ?? 0;
    return {
      lag: truth ?? (this.#plausible(group, stream, estimate) ? estimate : null),
      trimmedUnread: this.#trimmedUnread(group, excess, seen),
    };
  }

  /**
   * The excess or the losses seen directly, whichever is more, while Redis gives a lag; without one, the last
   * such count stands (see `#lossWithLag`), and before its first read (no entries read) only what is seen tells.
   * Always the latest count where there is one: the summary and XINFO GROUPS are two reads, and an append between
   * them overstates one look's excess, which the next look puts right.
   */
  #trimmedUnread(group: GroupInfo, excess: number, seen: number): number | null {
    if (group.entriesRead !== null && group.lag !== null) {
      const counted = Math.max(excess, seen);
      this.#lossWithLag.set(group.name, counted);
      return counted;
    }
    const last = this.#lossWithLag.get(group.name);
    return last === undefined ? seen || null : Math.max(last, seen);
  }

  /** Counts entries trimmed unread since the last look, when the cursor stood still and both lags are known. */
  #seeLosses(group: GroupInfo, stream: StreamSummary | null, truth: number | null): number {
    const added = stream?.entriesAdded ?? null;
    const before = this.#lastLook.get(group.name);
    if (truth === null || added === null) {
      this.#lastLook.delete(group.name);
    } else {
      if (before !== undefined && before.cursor === group.lastDeliveredId) {
        const trimmed = before.lag + (added - before.added) - truth;
        if (trimmed > 0) this.#lostSeen.set(group.name, (this.#lostSeen.get(group.name) ?? 0) + trimmed);
      }
      this.#lastLook.set(group.name, { cursor: group.lastDeliveredId, added, lag: truth });
    }
    return this.#lostSeen.get(group.name) ?? 0;
  }

  /**
   * The truth counted once, up to FIRST_COUNT_CAP entries, for a group whose excess has never been measured here
   * (a process started on a stream that already lost entries to trimming): after it, the excess stands in. Also
   * for a group Redis gives no lag for, far from both ends, once its cursor stood still between two looks (no one
   * reads it): after it, the last look does (`#sinceLastLook`). One being read stays unknown: with no excess to
   * stand in and its cursor moving, it would be counted, 10,000 entries, at every look.
   */
  async #firstCount(
    reader: EventStream,
    group: GroupInfo,
    stream: StreamSummary | null,
  ): Promise<{ lag: number; asOfSnapshot: boolean } | null> {
    const last = stream?.lastEntryId ?? null;
    if (last === null) return null;
    // An excess measured before stands in only for Redis's lag: a group moved by SETID since has none.
    if (group.lag !== null && this.#excess.has(group.name)) return null;
    if (group.lag === null && this.#cursorSeen.get(group.name) !== group.lastDeliveredId) return null;
    const failedAt = this.#firstCountFailedAt.get(group.name);
    if (failedAt !== undefined && performance.now() - failedAt < FIRST_COUNT_RETRY_MS) return null;
    const counted = await this.#countAfter(reader, group.lastDeliveredId, last, FIRST_COUNT_CAP);
    if (counted === null) this.#firstCountFailedAt.set(group.name, performance.now());
    else this.#firstCountFailedAt.delete(group.name);
    return counted;
  }

  /**
   * Whether Redis's lag less the known excess can be the backlog: not when it reaches the whole stream while the
   * group's cursor is inside it (Redis counting entries trimmed unread, an excess not measured yet). Unknown is
   * shown then, rather than a lag that raises a false alert.
   */
  #plausible(group: GroupInfo, stream: StreamSummary | null, estimate: number | null): boolean {
    const first = stream?.firstEntryId ?? null;
    if (estimate === null || first === null || this.#excess.has(group.name)) return true;
    return estimate < (stream?.length ?? 0) || compareEntryIds(group.lastDeliveredId, first) < 0;
  }

  /** Everything remembered per group. */
  #perGroup(): Map<string, unknown>[] {
    return [
      this.#excess,
      this.#lastRead,
      this.#lostSeen,
      this.#lastLook,
      this.#firstCountFailedAt,
      this.#cursorSeen,
      this.#lossWithLag,
    ];
  }

  /** Forgets groups that are gone (a reset re-creates them from scratch). */
  keepOnly(groups: readonly string[]): void {
    for (const map of this.#perGroup()) {
      for (const name of map.keys()) if (!groups.includes(name)) map.delete(name);
    }
  }

  /**
   * A stream or group that was deleted and made again between two looks (a reset elsewhere, a Redis
   * restart without persistence) counts from zero again: what the old one lost is not the new one's.
   */
  #forgetOldIncarnations(group: GroupInfo, stream: StreamSummary | null): void {
    const added = stream?.entriesAdded ?? null;
    if (added !== null && this.#lastAdded !== null && added < this.#lastAdded) {
      for (const map of this.#perGroup()) map.clear();
    }
    if (added !== null) this.#lastAdded = added;
    if (group.entriesRead === null) return;
    const before = this.#lastRead.get(group.name);
    // A new incarnation of the group: all it was remembered by goes (its entries read, set again just below).
    if (before !== undefined && group.entriesRead < before) {
      for (const map of this.#perGroup()) map.delete(group.name);
    }
    this.#lastRead.set(group.name, group.entriesRead);
  }

  /**
   * The true lag, when it is free or cheap; `asOfSnapshot` says whether it describes the stream as the
   * snapshot's XINFO saw it (the free ends, and a count bounded by that snapshot's last ID) rather than a
   * moment later: only such a figure can be compared with the snapshot's entries added.
   */
  async #exact(
    reader: EventStream,
    group: GroupInfo,
    stream: StreamSummary | null,
    /** Redis's lag less the known excess; `null` when Redis gave none (then both sides of the cursor are counted). */
    estimate: number | null,
  ): Promise<{ lag: number; asOfSnapshot: boolean } | null> {
    const cursor = group.lastDeliveredId;
    const first = stream?.firstEntryId ?? null;
    const last = stream?.lastEntryId ?? null;
    const length = stream?.length ?? 0;
    if (last === null || compareEntryIds(cursor, last) >= 0) return { lag: 0, asOfSnapshot: true };
    if (first !== null && compareEntryIds(cursor, first) < 0) return { lag: length, asOfSnapshot: true };
    if (estimate === null) {
      // Redis gave no lag (a group placed mid-stream by another client, or deleted entries past its cursor): either
      // side of the cursor may be the short one, so both are tried, the side that counts lag first.
      return (
        (await this.#countAfter(reader, cursor, last)) ??
        (await this.#countBefore(reader, cursor, length)) ??
        this.#sinceLastLook(group, stream)
      );
    }
    if (estimate <= COUNT_CAP) return this.#countAfter(reader, cursor, last);
    if (length - estimate <= COUNT_CAP) return this.#countBefore(reader, cursor, length);
    return null;
  }

  /**
   * The lag of a group whose cursor has stood still since its true lag was last known: that lag and every entry
   * added since. A trim takes entries from the oldest end, at or before a cursor inside the stream (past it, the
   * group is behind the oldest entry and its lag is the whole stream), so none of those added were taken. This is
   * how a group Redis gives no lag for (placed by `group.setid`, never read since) keeps its backlog, and its lag
   * alert, once it is more than a count away from both ends: a group no consumer reads is what that alert is for.
   * (An XDEL of entries after the cursor, which Redis's own lag misses too, is counted here as still waiting.)
   */
  #sinceLastLook(
    group: GroupInfo,
    stream: StreamSummary | null,
  ): { lag: number; asOfSnapshot: boolean } | null {
    const before = this.#lastLook.get(group.name);
    const added = stream?.entriesAdded ?? null;
    if (
      before === undefined ||
      added === null ||
      before.cursor !== group.lastDeliveredId ||
      added < before.added
    ) {
      return null;
    }
    return { lag: Math.min(stream?.length ?? 0, before.lag + (added - before.added)), asOfSnapshot: true };
  }

  /** The lag counted after the cursor, up to the snapshot's last entry; `null` past `cap`. */
  async #countAfter(
    reader: EventStream,
    cursor: string,
    last: string,
    cap = COUNT_CAP,
  ): Promise<{ lag: number; asOfSnapshot: boolean } | null> {
    // Up to the snapshot's last entry: what was appended since belongs to the next look.
    const after = await reader.countEntries(`(${cursor}`, last, cap + 1);
    return after <= cap ? { lag: after, asOfSnapshot: true } : null;
  }

  /** The lag as the length less the entries at or before the cursor; `null` when those are past COUNT_CAP. */
  async #countBefore(
    reader: EventStream,
    cursor: string,
    length: number,
  ): Promise<{ lag: number; asOfSnapshot: boolean } | null> {
    // A trim since the snapshot shrinks this count: right for the lag shown, not for counting losses.
    const atOrBefore = await reader.countEntries('-', cursor, COUNT_CAP + 1);
    return atOrBefore <= COUNT_CAP ? { lag: Math.max(0, length - atOrBefore), asOfSnapshot: false } : null;
  }
}
