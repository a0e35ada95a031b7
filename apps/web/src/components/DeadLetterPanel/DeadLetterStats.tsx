import { formatCount } from '../../lib/format';
import { Stat } from '../Stat/Stat';

interface DeadLetterStatsProps {
  /** Letters in the dead-letter stream now. */
  length: number;
  /** Letters dead-lettered since this server started. */
  total: number | null;
  maxDeliveries: number | null;
}

/** The dead-letter stream's figures: its length, what this server has dead-lettered, and the delivery limit. */
export function DeadLetterStats({ length, total, maxDeliveries }: DeadLetterStatsProps) {
  return (
    <dl className="stats dlq-stats">
      <Stat label="Length" tone={length > 0 ? 'has-dead' : undefined}>
        {formatCount(length)}
      </Stat>
      <Stat
        label="Dead-lettered"
        hint="Entries this server dead-lettered, counted since it started or the stream was reset: it starts again at 0 with the server, where Length counts every letter in the dead-letter stream, from any process or earlier run"
      >
        {total === null ? '—' : formatCount(total)}
      </Stat>
      <Stat label="Max deliveries">{maxDeliveries ?? '—'}</Stat>
    </dl>
  );
}
