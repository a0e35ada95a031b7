import { useEffect, useState } from 'react';
import { answerStanding } from '../lib/answer-standing';

/**
 * Clears a form's `answer` once what it names is gone (see `answerStanding`): `listedNow` says whether the snapshot
 * lists it. Remembered per answer, so naming the same thing again waits for its own snapshot.
 */
export function useAnswerGoesWithItsSubject(
  answer: object | null,
  listedNow: boolean | null,
  clear: () => void,
): void {
  const [listedAnswer, setListedAnswer] = useState<object | null>(null);
  const standing = answer === null ? null : answerStanding(listedNow, listedAnswer === answer);
  // React's reset-state-during-render: no extra paint in between.
  if (standing === 'listed' && listedAnswer !== answer) setListedAnswer(answer);
  useEffect(() => {
    if (standing === 'gone') clear();
  }, [standing, clear]);
}
