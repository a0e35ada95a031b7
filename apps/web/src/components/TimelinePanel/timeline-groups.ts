import type { LifecycleEventView, PendingRowView } from '@streamscope/protocol';

export interface TimelineLane {
  /** `null` for the steps no group is part of: `produced`. */
  group: string | null;
  events: LifecycleEventView[];
}

/**
 * Splits the time-ordered steps into the stream's own lane first, then one lane per group in order of first sight;
 * then a lane for each other group the entry is pending in (`pendingIn`, from the snapshot): its steps were taken
 * by another process's workers, which this server does not record, but where it sits now is Redis's to say.
 */
export function timelineLanes(
  events: readonly LifecycleEventView[],
  pendingIn: readonly string[] = [],
): TimelineLane[] {
  const lanes = new Map<string | null, LifecycleEventView[]>([[null, []]]);
  for (const event of events) {
    const lane = lanes.get(event.group);
    if (lane === undefined) lanes.set(event.group, [event]);
    else lane.push(event);
  }
  for (const group of pendingIn) if (!lanes.has(group)) lanes.set(group, []);
  return [...lanes].map(([group, laneEvents]) => ({ group, events: laneEvents }));
}

/** Where an entry is pending now, by group: the snapshot's rows of it, one per group at most. */
export function pendingByGroup(
  rows: readonly PendingRowView[],
  id: string | null,
): ReadonlyMap<string, PendingRowView> {
  return new Map(id === null ? [] : rows.filter((row) => row.id === id).map((row) => [row.group, row]));
}
