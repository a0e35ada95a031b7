import { issueCommand } from '../../socket/socket-client';
import { useDashboard } from '../../store/store';

let returnFocusTo: HTMLElement | null = null;

/** Opens the timeline panel for one entry and asks the server for its history (`entry.history`). */
export function openEntryTimeline(id: string): void {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement && active.closest('.timeline-panel'))) {
    returnFocusTo = active instanceof HTMLElement ? active : null;
  }
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

/** Closes the panel and gives focus back to the control that opened it, when that is still on the page. */
export function closeEntryTimeline(): void {
  useDashboard.getState().closeTimeline();
  const target = returnFocusTo;
  returnFocusTo = null;
  if (target?.isConnected) target.focus();
}
