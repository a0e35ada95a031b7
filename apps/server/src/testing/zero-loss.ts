import { expect } from 'vitest';
import type { Pipeline } from '../pipeline/pipeline.js';

/**
 * The flags of a server whose tests end on a zero-loss check: a MAXLEN long enough to keep every entry for the check
 * to read back, and 1 ms of work, which keeps entries in flight while a test acts on them.
 */
export const ZERO_LOSS_FLAGS: readonly string[] = ['--maxlen', '1000000', '--process-latency-ms', '1'];

/**
 * Once production has stopped: waits until `group` has nothing pending and nothing unread, then reads the whole
 * stream (for a server whose MAXLEN keeps every entry) and says how many entries it holds and which of them no
 * worker here acked in `group`: none, when nothing was lost.
 */
export async function entriesNotAcked(
  pipeline: Pipeline,
  group: string,
): Promise<{ entries: number; notAcked: string[] }> {
  const { stream } = pipeline;
  await expect
    .poll(async () => (await stream.infoGroups()).find((candidate) => candidate.name === group), {
      timeout: 15_000,
      interval: 100,
    })
    .toMatchObject({ pending: 0, lag: 0 });
  const entries = await stream.replay('-', '+', 1_000_000);
  const acked = (id: string) =>
    pipeline.history.of(id).some((event) => event.kind === 'acked' && event.group === group);
  return {
    entries: entries.length,
    notAcked: entries.filter((entry) => !acked(entry.id)).map((entry) => entry.id),
  };
}
