import { createContext, useContext, useRef } from 'react';
import { useDashboardWhileVisible } from '../hooks/use-while-visible';
import type { State } from '../store/store';

/** The element holding the charts; they follow the store only while it is on screen. */
export const ChartsElement = createContext<Element | null>(null);

/**
 * How often a chart takes new data. Its points are a second apart, and each redraw of a recharts chart costs
 * tens of milliseconds: four a second, for four charts, left little of the main thread at 5,000 events/s.
 */
export const CHART_REFRESH_MS = 1000;

/**
 * A chart's data from the store: kept still while the charts are scrolled out of view, and renewed at most
 * once per `CHART_REFRESH_MS` (the next snapshot after that brings the newest). A chart memoises what it
 * draws on this value, so in between its component renders but recharts does not.
 */
export function useChartData<T>(select: (state: State) => T): T {
  // Out of view, a chart is not refreshed at all: a redraw costs tens of milliseconds, and what a screen reader
  // or find in page reads of a chart (its axis labels) is no figure anyone acts on.
  const value = useDashboardWhileVisible(useContext(ChartsElement), select, null);
  const kept = useRef<{ value: T; at: number } | null>(null);
  const now = Date.now();
  // The first data is taken at once: held back, a chart said it was waiting for a snapshot for a second after
  // the rest of the page had drawn one.
  const held = kept.current;
  if (held === null || held.value === null || (value !== held.value && now - held.at >= CHART_REFRESH_MS)) {
    kept.current = { value, at: now };
    return value;
  }
  return held.value;
}
