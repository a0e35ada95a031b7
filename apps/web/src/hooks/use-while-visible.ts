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
 * A selection from the store that follows it only while `element` is on screen; scrolled away, it keeps what
 * it showed last, so a list nobody can see does not rebuild its rows at every tick. Back on screen it catches
 * up at once. Pass the element from a callback ref (`ref={setElement}`), so a list that appears later counts.
 */
export function useDashboardWhileVisible<T>(element: Element | null, select: (state: State) => T): T {
  const onScreen = useOnScreen(element);
  const selected = useDashboard((state) => (onScreen ? select(state) : HIDDEN));
  const last = useRef<T | typeof HIDDEN>(HIDDEN);
  if (selected !== HIDDEN) last.current = selected;
  // Only HIDDEN before anything was selected, and the first render is always on screen.
  return last.current as T;
}
