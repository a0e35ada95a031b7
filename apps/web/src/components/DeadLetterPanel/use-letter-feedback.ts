import { useCallback, useEffect, useRef, useState } from 'react';
import { useOnConnected } from '../../hooks/use-on-connected';
import { useOnRedisBack } from '../../hooks/use-on-redis-back';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import type { LetterFeedback } from './letter-feedback';

/**
 * The one feedback line the row buttons and the bulk buttons share, above the table: a requeued or discarded row
 * leaves the table with the next snapshot, so an answer shown in the row itself would vanish before it could be
 * read. Only the answer to the action taken last is shown.
 */
export function useLetterFeedback() {
  const [feedback, setFeedback] = useState<LetterFeedback | null>(null);
  // The row request whose answer the line waits for; `null` once a bulk action has said its outcome.
  const latest = useRef<string | null>(null);
  // The acted-on row leaves the table (and its button was disabled while busy): keyboard focus would fall to
  // the top of the page, so it moves to the line that says what happened.
  const line = useRef<HTMLDivElement>(null);
  const [settledCount, setSettledCount] = useState(0);
  const [shownAt, setShownAt] = useState<number | null>(null);
  useEffect(() => {
    if (settledCount > 0) line.current?.focus();
  }, [settledCount]);

  const show = useCallback((next: LetterFeedback) => {
    setFeedback(next);
    setShownAt(Date.now());
    setSettledCount((count) => count + 1);
  }, []);
  /** A row's request went out: its answer is the one to show, unless another action's comes after. */
  const awaitRow = useCallback((requestId: string) => {
    latest.current = requestId;
  }, []);
  /** Shows a row's answer, if no action was taken since its request went out. */
  const settleRow = useCallback(
    (requestId: string, next: LetterFeedback) => {
      if (latest.current === requestId) show(next);
    },
    [show],
  );
  /** Shows a bulk action's outcome; the answer of a row request still out is then no longer shown. */
  const settleBulk = useCallback(
    (next: LetterFeedback) => {
      latest.current = null;
      show(next);
    },
    [show],
  );

  useOnStreamReset(useCallback(() => setFeedback(null), []));
  useOnConnected(useCallback(() => setFeedback((current) => (current?.offline ? null : current)), []));
  useOnRedisBack(useCallback(() => setFeedback((current) => (current?.unavailable ? null : current)), []));

  return { feedback, feedbackAt: shownAt, line, awaitRow, settleRow, settleBulk };
}
