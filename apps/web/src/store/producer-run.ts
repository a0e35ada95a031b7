import type { Snapshot } from '@streamscope/protocol';

/** The continuous producer's run as this page saw it begin: at which rate, and when (a snapshot's time). */
export interface ProducerRun {
  readonly rate: number;
  readonly since: number;
}

/**
 * The run after a snapshot at `at`: the same while the producer runs at the same rate; a new one from `at` when it
 * starts or its rate changes (from this page or another); `null` while it is stopped. A page opened while it runs
 * sees it begin at its first snapshot: later than it did, so judged later, never sooner.
 */
export function producerRunAfter(
  previous: ProducerRun | null,
  producer: Pick<Snapshot['producer'], 'running' | 'rate'>,
  at: number,
): ProducerRun | null {
  if (!producer.running) return null;
  return previous !== null && previous.rate === producer.rate ? previous : { rate: producer.rate, since: at };
}
