import type { ReactNode } from 'react';
import { isRedisUnavailable } from '../../hooks/use-on-redis-back';
import { CommandError } from '../../socket/command-error';

/** What the panel's one feedback line says of the last row or bulk action: its error, or what it did. */
export interface LetterFeedback {
  error: string | null;
  /** The error said the page was not connected: it goes once the socket is open again. */
  offline?: boolean;
  /** The error said Redis was unavailable: it goes once the server reads Redis again. */
  unavailable?: boolean;
  done: ReactNode;
}

/**
 * The feedback of an action that failed, led by what was tried (`Requeue 5-0`, `Discard all`), and marked so it
 * goes by itself once what it reported (offline, Redis away) stops being true.
 * @example failedFeedback('Discard all', new Error('Redis is unavailable')) // { error: 'Discard all: Redis is…', unavailable: true, … }
 */
export function failedFeedback(label: string, error: unknown): LetterFeedback {
  const message = error instanceof Error ? error.message : String(error);
  return {
    error: `${label}: ${message}`,
    offline: error instanceof CommandError && error.code === 'offline',
    unavailable: isRedisUnavailable(message),
    done: null,
  };
}
