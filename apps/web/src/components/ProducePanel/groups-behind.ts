import type { GroupView } from '@streamscope/protocol';
import { RATE_TOLERANCE } from './producer-shortfall';

/** A group whose consumers ack well below what the producer adds: `ackedPerSec` as measured last. */
export interface GroupBehind {
  readonly name: string;
  readonly ackedPerSec: number;
}

/**
 * The groups the running producer outpaces: more than a second of its entries behind, and acking well under what
 * it adds. At 2,000/s against the seeds' 40/s, the stream's MAXLEN trims nearly everything before they read it,
 * and the red badges on their panels were the only sign, far from the Rate that caused it. A second's worth of
 * lag first: the rates are measured over one snapshot interval, and a group that keeps up dips below by chance.
 */
export function groupsBehind(
  producerRate: number,
  producedPerSec: number,
  groups: readonly Pick<GroupView, 'name' | 'lag' | 'ackedPerSec'>[],
): GroupBehind[] {
  return groups
    .filter(
      ({ lag, ackedPerSec }) =>
        lag !== null && lag > producerRate && ackedPerSec < producedPerSec * RATE_TOLERANCE,
    )
    .map(({ name, ackedPerSec }) => ({ name, ackedPerSec }));
}
