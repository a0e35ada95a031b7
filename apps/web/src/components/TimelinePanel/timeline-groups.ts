import type { EntryPlaceView, LifecycleEventView, PendingRowView } from '@streamscope/protocol';

export interface TimelineLane {
  /** `null` for the steps no group is part of: `produced`. */
  group: string | null;
  events: LifecycleEventView[];
}

/**
 * Splits the time-ordered steps into the stream's own lane first, then one lane per group, by name as the group
 * panels are (in order of first sight, two timelines of one stream ordered their groups differently), with each
 * group Redis placed it in or the snapshot lists it pending in (`otherGroups`) among them: steps taken by another
 * process's workers are not recorded here, but where it sits now is Redis's to say. A claim that does not say whose
 * the entry was (XAUTOCLAIM's does not; a claim by hand's does) is told it from the lane's steps before it.
 */
export function timelineLanes(
  events: readonly LifecycleEventView[],
  otherGroups: readonly string[] = [],
): TimelineLane[] {
  const stream: LifecycleEventView[] = [];
  const lanes = new Map<string, LifecycleEventView[]>();
  const holders = new Map<string, string>();
  for (const event of events) {
    if (event.group === null) {
      stream.push(event);
      continue;
    }
    const lane = lanes.get(event.group) ?? [];
    lanes.set(event.group, lane);
    const holder = holders.get(event.group);
    const told =
      event.kind === 'claimed' && event.reason === null && holder !== undefined && holder !== event.consumer
        ? { ...event, reason: `from ${holder}` }
        : event;
    lane.push(told);
    if ((event.kind === 'delivered' || event.kind === 'claimed') && event.consumer !== null)
      holders.set(event.group, event.consumer);
  }
  for (const group of otherGroups) if (!lanes.has(group)) lanes.set(group, []);
  const groups = [...lanes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    { group: null, events: stream },
    ...groups.map((group) => ({ group, events: lanes.get(group) ?? [] })),
  ];
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
