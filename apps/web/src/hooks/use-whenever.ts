import { useEffect } from 'react';
import { type State, useDashboard } from '../store/store';

/**
 * Runs `run` each time `condition` of the store becomes true (and at mount when it already is): for what stops
 * being true then, such as an error saying the page was offline. `run` must be stable.
 */
export function useWhenever(condition: (state: State) => boolean, run: () => void): void {
  const holds = useDashboard(condition);
  useEffect(() => {
    if (holds) run();
  }, [holds, run]);
}
