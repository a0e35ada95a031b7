import type { HistoryPoint } from '@streamscope/protocol';

/** The points of the last `windowMs` of `history` (up to its newest), none from before `since`. */
export function lastPoints(
  history: readonly HistoryPoint[],
  windowMs: number,
  since: number,
): HistoryPoint[] {
  const from = Math.max(since, (history.at(-1)?.at ?? 0) - windowMs);
  return history.filter((point) => point.at >= from);
}

/**
 * How fast counters of Redis's (entries added, a group's entries read) rose, per second, over the last `windowMs` of
 * `history`, none of it from before `since`. `countersOf` reads them from a point, `null` where one is unknown, which
 * starts the look over after that point, as does a counter that went back (a cursor moved back, the stream made
 * again). `null` with less than `minSpanMs` of them: a second or so of counters read at snapshot times jitters.
 *
 * @example
 * counterRates(history, (point) => (point.entriesAdded == null ? null : { added: point.entriesAdded }), 5_000, 3_000);
 * // { added: 1_998.6 }
 */
export function counterRates<Name extends string>(
  history: readonly HistoryPoint[],
  countersOf: (point: HistoryPoint) => Readonly<Record<Name, number>> | null,
  windowMs: number,
  minSpanMs: number,
  since = 0,
): Record<Name, number> | null {
  let first: { at: number; counters: Readonly<Record<Name, number>> } | undefined;
  let last: typeof first;
  for (const point of lastPoints(history, windowMs, since)) {
    const counters = countersOf(point);
    if (counters === null) {
      first = undefined;
      continue;
    }
    const now = { at: point.at, counters };
    const before = last?.counters;
    const wentBack =
      before !== undefined && (Object.keys(counters) as Name[]).some((name) => counters[name] < before[name]);
    if (first === undefined || wentBack) first = now;
    last = now;
  }
  if (first === undefined || last === undefined || last.at - first.at < minSpanMs) return null;
  const seconds = (last.at - first.at) / 1000;
  const from = first.counters;
  const to = last.counters;
  return Object.fromEntries(
    (Object.keys(to) as Name[]).map((name) => [name, (to[name] - from[name]) / seconds]),
  ) as Record<Name, number>;
}
