import { type ConsumerInfo, type EventStream, GroupNotFoundError } from '@streamscope/streams';

/**
 * A consumer Redis saw reading within this long is taken to be running somewhere, whatever client it is.
 * Only a hint: Redis 7.0 resets the idle time only when a read returns entries, so a quiet live consumer
 * looks idle (Streamscope's own workers are recognised by their connection names instead).
 */
export const ACTIVE_WITHIN_MS = 3_000;

/** Whether a consumer known only to Redis (idle as XINFO CONSUMERS reports it) seems to be running. */
export function seemsActive(idleMs: number): boolean {
  return idleMs < ACTIVE_WITHIN_MS;
}

/** The consumer as XINFO CONSUMERS reports it; `null` when Redis knows no such consumer (or group). */
export async function consumerInRedis(
  stream: EventStream,
  group: string,
  name: string,
): Promise<ConsumerInfo | null> {
  return (await consumersInRedis(stream, group)).find((consumer) => consumer.name === name) ?? null;
}

/** The group's consumers as XINFO CONSUMERS reports them; none when Redis knows no such group (or stream). */
export async function consumersInRedis(stream: EventStream, group: string): Promise<ConsumerInfo[]> {
  return stream.infoConsumers(group).catch((error: unknown) => {
    if (error instanceof GroupNotFoundError) return [];
    throw error;
  });
}
