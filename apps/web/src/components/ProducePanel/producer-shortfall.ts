/**
 * How far below its target a measured rate may fall before it is worth saying: the rate is measured over one
 * snapshot interval (250 ms), so 30/s reads as 28/s or 32/s by rounding alone.
 */
export const RATE_TOLERANCE = 0.9;

/**
 * The rate the continuous producer achieves, when it falls short of its target (Redis, the network or this
 * machine cannot keep up at 50,000/s); `null` when it keeps up, and the target alone tells the truth.
 */
export function producerShortfall(targetPerSec: number, achievedPerSec: number): number | null {
  return achievedPerSec < targetPerSec * RATE_TOLERANCE ? achievedPerSec : null;
}
