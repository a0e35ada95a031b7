import { useEffect } from 'react';
import { useDashboard } from '../store/store';

/**
 * Runs `onOpen` whenever the socket is open again (and at mount when it already is): for what stops being true then,
 * such as an error saying the page was not connected. `onOpen` must be stable.
 */
export function useOnConnected(onOpen: () => void): void {
  const connected = useDashboard((state) => state.connection.status === 'open');
  useEffect(() => {
    if (connected) onOpen();
  }, [connected, onOpen]);
}
