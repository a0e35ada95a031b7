import type { Redis } from 'ioredis';

/**
 * Runs `task` once Redis may answer again: after `delayMs` while the connection is up (the failure just seen
 * was Redis's answer, not its absence), or as soon as it is ready again.
 */
export function whenRedisAnswers(redis: Redis, task: () => void, delayMs: number): void {
  if (redis.status === 'ready') setTimeout(task, delayMs).unref();
  else redis.once('ready', task);
}
