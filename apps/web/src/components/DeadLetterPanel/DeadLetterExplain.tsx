interface DeadLetterExplainProps {
  /** The delivery limit the server's workers apply, once the server has said it. */
  maxDeliveries: number | null;
}

/** How an entry gets to the dead-letter stream: the delivery limit, a trim while it was pending, or a hand. */
export function DeadLetterExplain({ maxDeliveries }: DeadLetterExplainProps) {
  return (
    <p className="dlq-explain">
      An entry that reaches{' '}
      {maxDeliveries === null ? (
        'the delivery limit'
      ) : (
        <strong>
          {maxDeliveries} deliver{maxDeliveries === 1 ? 'y' : 'ies'}
        </strong>
      )}{' '}
      without an ack is moved here atomically (added here and acked in one step), so it is never both pending
      and dead; the other entries keep flowing. One trimmed from the stream while still pending lands here
      too, as <em>trimmed</em>, with nothing left to requeue; and one parked by hand with <em>To DLQ</em>{' '}
      under Pending entries, once claimable.
    </p>
  );
}
