import type {
  EntryLetterView,
  EntryPlaceView,
  EntryView,
  LifecycleEventView,
  LifecycleKindView,
} from '@streamscope/protocol';

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
  /** Where it stands now in each group, as Redis said in the last answer (see `refreshEntryPlaces`). */
  places: EntryPlaceView[];
  /** Groups the server did not look in (past its bound). */
  groupsOmitted: number;
  /** Its letters in the dead-letter stream, as the last answer found them. */
  letters: EntryLetterView[];
  /** Whether that search went through every letter since the entry's time (see `DeadLetters.lettersOf`). */
  lettersComplete: boolean;
  /** When `places` came, on this page's clock; `null` before the first answer. */
  placesAt: number | null;
  /** Whether the stream was reset while it was open: the entry and its steps went with it. */
  deletedByReset: boolean;
}

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
