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
