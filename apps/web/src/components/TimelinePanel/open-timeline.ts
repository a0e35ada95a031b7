import type { CommandResults } from '@streamscope/protocol';
import { issueCommand } from '../../socket/socket-client';
import { useDashboard } from '../../store/store';

let returnFocusTo: HTMLElement | null = null;
/** The card or panel around it: at thousands of events a second the ID that opened the panel is gone by close. */
let returnFocusWithin: HTMLElement | null = null;

/** What keyboard focus can land on, of what the page draws. */
export const FOCUSABLE =
  'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea, [tabindex="0"]';

/** Keeps where focus is, outside the panel, to give it back on close. */
function rememberFocus(): void {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement && active.closest('.timeline-panel'))) {
    returnFocusTo = active instanceof HTMLElement ? active : null;
    returnFocusWithin = returnFocusTo?.closest<HTMLElement>('article, section') ?? null;
  }
}

/** Opens the timeline panel for one entry and asks the server for its history (`entry.history`). */
export function openEntryTimeline(id: string): void {
  rememberFocus();
  const { requestId, result } = issueCommand({ type: 'entry.history', id });
  useDashboard.getState().openTimeline(id, requestId);
  result.then(
    (history) => useDashboard.getState().timelineLoaded(requestId, history),
    (error: unknown) =>
      useDashboard
        .getState()
        .timelineFailed(requestId, error instanceof Error ? error.message : String(error)),
  );
}

/** Opens the timeline panel on a history already answered (an entry looked up by its ID). */
export function showEntryTimeline(history: CommandResults['entry.history']): void {
  rememberFocus();
  useDashboard.getState().timelineShown(history);
}

/**
 * Asks again where the open entry stands in each group (`entry.history`'s `places`), quietly: after a step of it
 * arrived live, or its pending row changed, or on the reader's asking. An answer that fails leaves the last one
 * shown, with its time; a timeline still loading, or of a stream since reset, is left alone.
 */
export function refreshEntryPlaces(): void {
  const { timeline } = useDashboard.getState();
  if (timeline === null || timeline.status !== 'ready' || timeline.deletedByReset) return;
  const { requestId, result } = issueCommand({ type: 'entry.history', id: timeline.id }, { quiet: true });
  useDashboard.getState().timelineRefreshing(requestId);
  result.then(
    (history) => useDashboard.getState().timelineLoaded(requestId, history),
    () => {},
  );
}

/**
 * Closes the panel and gives focus back to the control that opened it or, when a live list has replaced it
 * meanwhile, to the first control of the card or panel it was in: focus left on <body> sent a keyboard user
 * back to the top of the page. Closed (by Escape) while focus is on the page beside it, focus stays there.
 */
export function closeEntryTimeline(): void {
  const active = document.activeElement;
  const focusInPanel =
    active === null || active === document.body || active.closest('.timeline-panel') !== null;
  useDashboard.getState().closeTimeline();
  const target = returnFocusTo;
  const area = returnFocusWithin;
  returnFocusTo = null;
  returnFocusWithin = null;
  if (!focusInPanel) return;
  if (target?.isConnected) target.focus();
  else if (area?.isConnected) area.querySelector<HTMLElement>(FOCUSABLE)?.focus();
}
