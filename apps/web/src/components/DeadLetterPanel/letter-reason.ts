/** How a worker words a letter that reached the delivery limit (`ConsumerWorker`), its last failure after `; `. */
const LIMIT_REACHED = /^delivery count \d+ reached maxDeliveries \d+(?:; last failure: (.+))?$/s;

/**
 * What the reason column shows of a letter's reason: the handler's last failure, which says what went wrong, rather
 * than the delivery count and limit that lead the reason (the row and the panel show both already, and at two lines
 * they left no room for the failure). Any other reason (`trimmed`, one a caller of `DeadLetters.send` gave) as it is.
 */
export function letterReason(reason: string): string {
  const limit = LIMIT_REACHED.exec(reason);
  if (limit === null) return reason;
  return limit[1] ?? 'delivery limit reached';
}
