import type { Snapshot } from '@streamscope/protocol';
import { formatClock, formatCount } from '../../lib/format';

type Failing = NonNullable<Snapshot['producer']['failing']>;

/**
 * What the continuous producer's failing appends tell the user: "0/s achieved" alone left them to guess that
 * Redis, out of memory, was refusing every batch.
 */
export function describeProducerFailing({ since, batches, reason }: Failing): string {
  const count = batches === 1 ? 'one batch' : `${formatCount(batches)} batches`;
  return `Appends failing since ${formatClock(since)} (${count}, not sent again): ${reason}`;
}
