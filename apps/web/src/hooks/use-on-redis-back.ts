import type { State } from '../store/store';
import { useWhenever } from './use-whenever';

/** How the server words an outage (its 'unavailable' errors start so). */
const REDIS_UNAVAILABLE = 'Redis is unavailable';

/** Whether an error's message is the server saying it cannot reach Redis: such an error goes when Redis is back. */
export function isRedisUnavailable(message: string): boolean {
  return message.startsWith(REDIS_UNAVAILABLE);
}

const redisHealthy = (state: State) => state.health === null;

/**
 * Runs `onBack` whenever the server reads Redis again (and at mount when it does): for errors that said Redis was
 * unavailable, which stop being true then. `onBack` must be stable.
 */
export function useOnRedisBack(onBack: () => void): void {
  useWhenever(redisHealthy, onBack);
}
