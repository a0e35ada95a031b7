import type { GroupView } from '@streamscope/protocol';
import { RATE_TOLERANCE } from './producer-shortfall';

/** A group whose consumers ack well below what the producer adds: `ackedPerSec` and `lag` as measured last. */
export interface GroupBehind {
  readonly name: string;
  readonly ackedPerSec: number;
  readonly lag: number;
}

/**
 * The groups the running producer outpaces: behind by more than a second of its entries or half the stream,
 * whichever is fewer, and acking well under what it adds. At 2,000/s against the seeds' 40/s, the stream's MAXLEN
 * trims nearly everything before they read it, and the red badges on their panels were the only sign, far from
 * the Rate that caused it. Some lag first: the rates are measured over one snapshot interval, and a group that
 * keeps up dips below by chance. Half the stream because Redis counts no more lag than the stream holds: at
 * 10,000/s against a MAXLEN of 2,000, a second's worth is a lag no group ever shows, however far behind.
 */
export function groupsBehind(
  producerRate: number,
  producedPerSec: number,
  streamLength: number,
  groups: readonly Pick<GroupView, 'name' | 'lag' | 'ackedPerSec'>[],
): GroupBehind[] {
  const lagBound = Math.min(producerRate, streamLength / 2);
  return groups.flatMap(({ name, lag, ackedPerSec }) =>
    lag !== null && lag > lagBound && ackedPerSec < producedPerSec * RATE_TOLERANCE
      ? [{ name, ackedPerSec, lag }]
      : [],
  );
}
