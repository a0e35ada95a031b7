import type { Snapshot } from '@streamscope/protocol';

/** How far back the charts look. At ~4 snapshots a second this is about 1,200 points. */
export const HISTORY_WINDOW_MS = 5 * 60_000;
/** A hard cap as well, in case the server sends snapshots faster than it says. */
export const HISTORY_MAX_POINTS = 1_500;

export interface GroupSample {
  deliveredPerSec: number;
  ackedPerSec: number;
  pending: number;
  /** `null` when Redis could not tell; charts leave a gap rather than draw a made-up 0. */
  lag: number | null;
}

/** One point per snapshot: everything the time-series charts draw. */
export interface HistoryPoint {
  at: number;
  producedPerSec: number;
  groups: Readonly<Record<string, GroupSample>>;
}

export function historyPoint(snapshot: Snapshot): HistoryPoint {
  const groups: Record<string, GroupSample> = {};
  for (const group of snapshot.groups) {
    groups[group.name] = {
      deliveredPerSec: group.deliveredPerSec,
      ackedPerSec: group.ackedPerSec,
      pending: group.pending,
      lag: group.lag,
    };
  }
  return { at: snapshot.at, producedPerSec: snapshot.producedPerSec, groups };
}

/** Appends a point and drops what fell out of the window; a clock that went back (a restarted server) starts over. */
export function appendHistory(history: readonly HistoryPoint[], point: HistoryPoint): HistoryPoint[] {
  const last = history.at(-1);
  if (last !== undefined && point.at < last.at) return [point];
  const oldest = point.at - HISTORY_WINDOW_MS;
  let start = Math.max(0, history.length + 1 - HISTORY_MAX_POINTS);
  while (start < history.length && (history[start]?.at ?? oldest) < oldest) start += 1;
  const next = history.slice(start);
  next.push(point);
  return next;
}
