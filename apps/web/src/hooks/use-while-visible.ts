import { useEffect, useRef, useState } from 'react';
import { type State, useDashboard } from '../store/store';

/** Panels just outside the window count as visible, so scrolling never reveals a stale one. */
const MARGIN = '200px';

const HIDDEN = Symbol('hidden');

/** Whether `element` is on screen (or nearly); true until the first observation says otherwise. */
function useOnScreen(element: Element | null): boolean {
  const [onScreen, setOnScreen] = useState(true);
  useEffect(() => {
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        const last = entries.at(-1);
        if (last) setOnScreen(last.isIntersecting);
      },
      { rootMargin: MARGIN },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return onScreen;
}

/**
 * How often a panel out of view still takes the store's latest: rarely enough that rows nobody looks at cost
 * next to nothing, often enough that what is read without scrolling to it (a screen reader's virtual cursor,
 * find in page, a full-page screenshot) is at most this old. Frozen outright, the pending table of a page
 * opened at 1,024 px wide said "0 pending" below three pending entries, for as long as it was out of view.
 */
const OFF_SCREEN_REFRESH_MS = 2_000;

/**
 * A selection from the store that follows it at every change only while `element` is on screen; scrolled
 * away, it takes the latest every `offScreenRefreshMs` (2 s; `null`: never), so a list nobody can see does
 * not rebuild its rows at every tick. Back on screen it catches up at once. Pass the element from a callback
 * ref (`ref={setElement}`), so a list that appears later counts.
 */
export function useDashboardWhileVisible<T>(
  element: Element | null,
  select: (state: State) => T,
  offScreenRefreshMs: number | null = OFF_SCREEN_REFRESH_MS,
): T {
  const onScreen = useOnScreen(element);
  const selected = useDashboard((state) => (onScreen ? select(state) : HIDDEN));
  const latestSelect = useRef(select);
  latestSelect.current = select;
  const [offScreen, setOffScreen] = useState<{ value: T } | null>(null);
  useEffect(() => {
    if (onScreen || offScreenRefreshMs === null) return;
    const timer = setInterval(() => {
      const value = latestSelect.current(useDashboard.getState());
      // The same selection (a shallow-equal one, with useShallow) renders nothing again.
      setOffScreen((previous) => (previous && Object.is(previous.value, value) ? previous : { value }));
    }, offScreenRefreshMs);
    return () => {
      clearInterval(timer);
      // Back on screen the live selection leads; a refresh from before must not come back next time.
      setOffScreen(null);
    };
  }, [onScreen, offScreenRefreshMs]);
  const last = useRef<T | typeof HIDDEN>(HIDDEN);
  if (selected !== HIDDEN) last.current = selected;
  else if (offScreen) last.current = offScreen.value;
  // Only HIDDEN before anything was selected, and the first render is always on screen.
  return last.current as T;
}
