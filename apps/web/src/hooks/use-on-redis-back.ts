import { useEffect } from 'react';
import { useDashboard } from '../store/store';

/** How the server words an outage (its 'unavailable' errors start so). */
const REDIS_UNAVAILABLE = 'Redis is unavailable';

/** Whether an error's message is the server saying it cannot reach Redis: such an error goes when Redis is back. */
export function isRedisUnavailable(message: string): boolean {
  return message.startsWith(REDIS_UNAVAILABLE);
}

/**
 * Runs `onBack` whenever the server reads Redis again (and at mount when it does): for errors that said Redis was
 * unavailable, which stop being true then. `onBack` must be stable.
 */
export function useOnRedisBack(onBack: () => void): void {
  const redisHealthy = useDashboard((state) => state.health === null);
  useEffect(() => {
    if (redisHealthy) onBack();
  }, [redisHealthy, onBack]);
}
