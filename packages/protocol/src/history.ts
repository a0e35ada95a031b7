import { z } from 'zod';
import type { GroupView, Snapshot } from './server-messages.js';

/** How far back the charts look. */
export const HISTORY_WINDOW_MS = 5 * 60_000;
/**
 * One point per second of clock time: a chart a few hundred pixels wide shows no more, and a point per
 * snapshot (four a second) made each redraw cost four times as much. Buckets are aligned to the clock, so a
 * finished second keeps its point and the lines do not shimmer as the window slides.
 */
export const HISTORY_BUCKET_MS = 1000;
/** A hard cap as well: the window's seconds, and the one in progress. */
export const HISTORY_MAX_POINTS = HISTORY_WINDOW_MS / HISTORY_BUCKET_MS + 1;

export const groupSampleSchema = z.object({
  deliveredPerSec: z.number(),
  ackedPerSec: z.number(),
  pending: z.number(),
  /** `null` when Redis could not tell; charts leave a gap rather than draw a made-up 0. */
  lag: z.number().nullable(),
  /**
   * Redis's count of entries delivered to the group (XINFO GROUPS entries-read), whichever process read them; `null`
   * when Redis does not know it. Its rise is the group's read rate (see the web's `lagTrend`).
   */
  entriesRead: z.number().nullable().optional(),
  /** The group's cursor: one that stood still with a lag says nothing reads it, entries-read known or not. */
  lastDeliveredId: z.string().optional(),
});
export type GroupSample = z.infer<typeof groupSampleSchema>;

/** What the time-series charts draw of one snapshot. */
export const historyPointSchema = z.object({
  at: z.number(),
  producedPerSec: z.number(),
  /** Redis's count of entries ever added to the stream, whoever added them; `null` without a stream. */
  entriesAdded: z.number().nullable().optional(),
  groups: z.record(z.string(), groupSampleSchema),
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

/**
 * The chart history the server kept, sent right after `hello`: a page opened (or reloaded) draws the last few
 * minutes at once instead of starting from an empty chart.
 */
export const historySchema = z.object({
  type: z.literal('history'),
  points: z.array(historyPointSchema),
});
export type History = z.infer<typeof historySchema>;

/**
 * What a history point is read from: a snapshot, or the lighter sample the server takes while no page watches
 * (XINFO STREAM and GROUPS, without the consumers and pending rows a point has no use for).
 */
export interface HistorySource {
  readonly at: Snapshot['at'];
  readonly producedPerSec: Snapshot['producedPerSec'];
  readonly stream: Pick<Snapshot['stream'], 'entriesAdded'>;
  readonly groups: readonly Pick<
    GroupView,
    'name' | 'deliveredPerSec' | 'ackedPerSec' | 'pending' | 'lag' | 'entriesRead' | 'lastDeliveredId'
  >[];
}

export function historyPoint(snapshot: HistorySource): HistoryPoint {
  const groups: Record<string, GroupSample> = {};
  for (const group of snapshot.groups) {
    groups[group.name] = {
      deliveredPerSec: group.deliveredPerSec,
      ackedPerSec: group.ackedPerSec,
      pending: group.pending,
      lag: group.lag,
      entriesRead: group.entriesRead,
      lastDeliveredId: group.lastDeliveredId,
    };
  }
  return {
    at: snapshot.at,
    producedPerSec: snapshot.producedPerSec,
    entriesAdded: snapshot.stream.entriesAdded,
    groups,
  };
}

const bucketOf = (point: HistoryPoint) => Math.floor(point.at / HISTORY_BUCKET_MS);

/**
 * Appends a point: it replaces the last one when both fall in the same second, and what fell out of the
 * window is dropped. A clock that went back (a restarted server on another host) starts over.
 */
export function appendHistory(history: readonly HistoryPoint[], point: HistoryPoint): HistoryPoint[] {
  const last = history.at(-1);
  if (last !== undefined && point.at < last.at) return [point];
  const kept = last !== undefined && bucketOf(last) === bucketOf(point) ? history.slice(0, -1) : history;
  return withinWindow([...kept, point]);
}

/**
 * A page's own history joined with the server's (`history`): the server's points win from its first
 * second on; the page's older ones (from before a server restart, say) stay in front of them.
 */
export function mergeHistory(
  local: readonly HistoryPoint[],
  fromServer: readonly HistoryPoint[],
): HistoryPoint[] {
  const first = fromServer[0];
  if (first === undefined) return [...local];
  const before = local.filter((point) => bucketOf(point) < bucketOf(first));
  return withinWindow([...before, ...fromServer]);
}

function withinWindow(history: HistoryPoint[]): HistoryPoint[] {
  const newest = history.at(-1);
  if (newest === undefined) return history;
  const oldest = newest.at - HISTORY_WINDOW_MS;
  let start = Math.max(0, history.length - HISTORY_MAX_POINTS);
  while (start < history.length && (history[start]?.at ?? oldest) < oldest) start += 1;
  return start === 0 ? history : history.slice(start);
}
