import { HISTORY_WINDOW_MS } from '@streamscope/protocol';
import { formatClock } from '../../lib/format';

/**
 * What the Stream panel says of a stream deleted or made again by something other than this server's reset (see
 * `streamLostElsewhere`), for as long as the charts reach back to it; `null` otherwise. The server had logged "Redis
 * restarted without its data?" while the page went on as if nothing had happened, the dead letters gone with the
 * rest and their panel saying they were requeued or discarded.
 *
 * @example
 * streamLostNote(1_716_998_413_541, 1_716_998_420_000);
 * // 'Deleted at 18:00:13, not by a reset of this server: Redis restarted without its data, another client …'
 */
export function streamLostNote(lostAt: number | null, now: number): string | null {
  if (lostAt === null || now - lostAt > HISTORY_WINDOW_MS) return null;
  return `Deleted at ${formatClock(lostAt)}, not by a reset of this server: Redis restarted without its data, another client deleted the key, or another Streamscope process reset it. Its entries and what its groups held pending went with it (with Redis's data, the dead letters and saved choices too); a group with consumers here is made again from 0-0.`;
}
