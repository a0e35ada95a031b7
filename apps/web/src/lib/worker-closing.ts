import type { WorkerView } from '@streamscope/protocol';

/**
 * Whether a worker here is closing or closed (a reset or its group's deletion is stopping it): it takes nothing on,
 * and no lever applies to it.
 */
export function isClosing(state: WorkerView['state'] | null | undefined): boolean {
  return state === 'closing' || state === 'closed';
}
