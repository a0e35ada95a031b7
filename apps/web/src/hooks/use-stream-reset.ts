import { useEffect, useRef } from 'react';
import { useDashboard } from '../store/store';

/**
 * Runs `forget` when the stream is deleted and made again (a reset, from this page or another): for what a panel
 * shows about the old stream, such as the ID it produced last or the entries it replayed. `forget` must be stable.
 */
export function useOnStreamReset(forget: () => void): void {
  const epoch = useDashboard((state) => state.streamEpoch);
  const seen = useRef(epoch);
  useEffect(() => {
    if (seen.current === epoch) return;
    seen.current = epoch;
    forget();
  }, [epoch, forget]);
}

/**
 * Since when the live lists (feed, tail) hold what they hold, in words: a reset empties them, after which "since
 * this page opened" would be untrue.
 */
export function useLiveListsSince(): string {
  return useDashboard((state) => (state.streamEpoch === 0 ? 'this page opened' : 'the stream was reset'));
}
