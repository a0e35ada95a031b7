import { HISTORY_WINDOW_MS } from '@streamscope/protocol';

/** Short of the whole window by more than this, the figures are said to begin late; a few seconds is the cadence. */
const LATE_BY_MS = 15_000;

/**
 * When the charts' figures begin, if they cover markedly less than the window: a server keeps its figures in
 * memory, so a page opened after it restarted has none from before, which is no gap. `null` once they span it.
 */
export function figuresBeginAt(history: readonly { at: number }[]): number | null {
  const first = history[0]?.at;
  const last = history.at(-1)?.at;
  if (first === undefined || last === undefined) return null;
  return last - first < HISTORY_WINDOW_MS - LATE_BY_MS ? first : null;
}
