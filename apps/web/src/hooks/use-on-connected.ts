import type { State } from '../store/store';
import { useWhenever } from './use-whenever';

const connected = (state: State) => state.connection.status === 'open';

/**
 * Runs `onOpen` whenever the socket is open again (and at mount when it already is): for what stops being true then,
 * such as an error saying the page was not connected. `onOpen` must be stable.
 */
export function useOnConnected(onOpen: () => void): void {
  useWhenever(connected, onOpen);
}
