import { formatCount, formatDuration } from '../../lib/format';
import type { GroupBehind } from './groups-behind';

/** Text, or a group's name (shown in code type), of what the producer's warning says follows from a group behind. */
export type FatePart = string | { readonly group: string };

/**
 * What follows, for the groups the producer outpaces, from "analytics acks 80/s, under the 100/s produced: ". Past
 * MAXLEN, a group loses entries only once its lag reaches MAXLEN: with `~` Redis trims whole nodes and keeps at least
 * MAXLEN entries, so an entry fewer than MAXLEN from the newest is never trimmed. "Each XADD removes entries it has
 * not read" was said at a lag of 188 under a MAXLEN of 2,000, and read as a loss happening now. One group is "it";
 * of several, each is named, as each may stand on either side of MAXLEN.
 *
 * @example
 * behindFate([{ name: 'analytics', ackedPerSec: 80, lag: 188 }], 100, 2_000);
 * // ['it', ' falls behind (lag 188) and will lose entries it has not read once its lag reaches MAXLEN ~ 2,000, in about 1 m 30 s at these rates']
 */
export function behindFate(
  behind: readonly GroupBehind[],
  producedPerSec: number,
  maxlen: number | null,
): FatePart[] {
  if (maxlen === null) {
    const they = behind.length === 1 ? 'it has' : 'they have';
    return [`the stream grows, and a trim or a retention policy removes entries ${they} not read`];
  }
  return behind.flatMap((group, index) => [
    ...(index === 0 ? [] : ['; ']),
    behind.length === 1 ? 'it' : { group: group.name },
    ` ${groupFate(group, producedPerSec, maxlen)}`,
  ]);
}

function groupFate({ lag, ackedPerSec }: GroupBehind, producedPerSec: number, maxlen: number): string {
  const cap = `MAXLEN ~ ${formatCount(maxlen)}`;
  if (lag >= maxlen)
    return `is ${cap} or more behind (lag ${formatCount(lag)}): each XADD now removes entries it has not read`;
  // The lag grows by what is produced and not read: at these rates, a rough time, not a promise.
  const growthPerSec = producedPerSec - ackedPerSec;
  const when =
    growthPerSec > 0
      ? `, in about ${formatDuration(((maxlen - lag) / growthPerSec) * 1000)} at these rates`
      : '';
  return `falls behind (lag ${formatCount(lag)}) and will lose entries it has not read once its lag reaches ${cap}${when}`;
}
