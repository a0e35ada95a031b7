import type { LifecycleEventView } from '@streamscope/protocol';

export interface TimelineLane {
  /** `null` for the steps no group is part of: `produced`. */
  group: string | null;
  events: LifecycleEventView[];
}

/** Splits the time-ordered steps into the stream's own lane first, then one lane per group in order of first sight. */
export function timelineLanes(events: readonly LifecycleEventView[]): TimelineLane[] {
  const lanes = new Map<string | null, LifecycleEventView[]>([[null, []]]);
  for (const event of events) {
    const lane = lanes.get(event.group);
    if (lane === undefined) lanes.set(event.group, [event]);
    else lane.push(event);
  }
  return [...lanes].map(([group, laneEvents]) => ({ group, events: laneEvents }));
}
