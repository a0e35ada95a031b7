import type { CommandResults, EntryView, LifecycleEventView, LifecycleKindView } from '@streamscope/protocol';

/** A timeline keeps at most this many steps; an entry that bounces between consumers longer is cut at the start. */
export const TIMELINE_MAX_EVENTS = 500;

export interface TimelineState {
  id: string;
  /** The `entry.history` request in flight, so a late answer for an entry no longer shown is ignored. */
  requestId: string | null;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  entry: EntryView | null;
  /** Whether the history said the entry is gone (trimmed or never existed). */
  missing: boolean;
  events: LifecycleEventView[];
  /**
   * Where it stands now in each group, and its dead letters, as the last answer read them from Redis (see
   * `refreshEntryPlaces`); `null` before the first answer, and once the stream was reset under it.
   */
  standing: Standing | null;
  /** Whether the stream was reset while it was open: the entry and its steps went with it. */
  deletedByReset: boolean;
}

/** Of an `entry.history` answer, what Redis said of the entry now, and when it came, on this page's clock. */
export type Standing = Pick<
  CommandResults['entry.history'],
  'places' | 'groupsOmitted' | 'letters' | 'lettersComplete'
> & { readAt: number };

const KIND_ORDER: Record<LifecycleKindView, number> = {
  produced: 0,
  delivered: 1,
  claimed: 1,
  dropped: 2,
  failed: 2,
  duplicate: 2,
  acked: 3,
  deleted: 3,
  'dead-lettered': 3,
  requeued: 4,
};

function eventKey(event: LifecycleEventView): string {
  return `${event.kind}|${event.group ?? ''}|${event.consumer ?? ''}|${event.deliveryCount ?? ''}|${event.ts}`;
}

/** Merges steps from the history answer and from live `deliveries`, without duplicates, in time order. */
export function mergeTimelineEvents(
  current: readonly LifecycleEventView[],
  incoming: readonly LifecycleEventView[],
): LifecycleEventView[] {
  const seen = new Set(current.map(eventKey));
  const merged = [...current];
  for (const event of incoming) {
    const key = eventKey(event);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(event);
  }
  merged.sort((a, b) => a.ts - b.ts || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return merged.length > TIMELINE_MAX_EVENTS ? merged.slice(-TIMELINE_MAX_EVENTS) : merged;
}
