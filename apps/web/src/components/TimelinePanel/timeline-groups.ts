import type { EntryPlaceView, LifecycleEventView, PendingRowView } from '@streamscope/protocol';

export interface TimelineLane {
  /** `null` for the steps no group is part of: `produced`. */
  group: string | null;
  events: LifecycleEventView[];
}

/**
 * Splits the time-ordered steps into the stream's own lane first, then one lane per group in order of first sight;
 * then a lane for each other group (`otherGroups`: those Redis placed it in, and those the snapshot lists it pending
 * in): steps taken by another process's workers are not recorded here, but where it sits now is Redis's to say.
 */
export function timelineLanes(
  events: readonly LifecycleEventView[],
  otherGroups: readonly string[] = [],
): TimelineLane[] {
  const lanes = new Map<string | null, LifecycleEventView[]>([[null, []]]);
  for (const event of events) {
    const lane = lanes.get(event.group);
    if (lane === undefined) lanes.set(event.group, [event]);
    else lane.push(event);
  }
  for (const group of otherGroups) if (!lanes.has(group)) lanes.set(group, []);
  return [...lanes].map(([group, laneEvents]) => ({ group, events: laneEvents }));
}

/** Where an entry is pending now, by group: the snapshot's rows of it, one per group at most. */
export function pendingByGroup(
  rows: readonly PendingRowView[],
  id: string | null,
): ReadonlyMap<string, PendingRowView> {
  return new Map(id === null ? [] : rows.filter((row) => row.id === id).map((row) => [row.group, row]));
}

/**
 * Where the entry stands now in a group: its pending row as the latest snapshot lists it (live, four times a second),
 * or, for one the snapshot does not list, where Redis placed it at the timeline's last answer.
 */
export type GroupNow =
  | { readonly source: 'snapshot'; readonly row: PendingRowView }
  | { readonly source: 'redis'; readonly place: EntryPlaceView };

/** Each group's {@link GroupNow}: Redis's places, with the snapshot's rows of the entry taking over theirs. */
export function nowByGroup(
  places: readonly EntryPlaceView[],
  listed: ReadonlyMap<string, PendingRowView>,
): ReadonlyMap<string, GroupNow> {
  const now = new Map<string, GroupNow>(places.map((place) => [place.group, { source: 'redis', place }]));
  for (const [group, row] of listed) now.set(group, { source: 'snapshot', row });
  return now;
}
