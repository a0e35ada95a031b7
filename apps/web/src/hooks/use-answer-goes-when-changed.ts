import { useEffect, useState } from 'react';

/**
 * Clears an answer once `about` (what it was about, as it stood when the answer came) changes: a refusal that named
 * a paused target, or a group's last consumer, no longer says what a click would do now. `answered`: whether such
 * an answer is shown.
 */
export function useAnswerGoesWhenChanged(answered: boolean, about: string | number, clear: () => void): void {
  const [aboutThen, setAboutThen] = useState<string | number | null>(null);
  // React's reset-state-during-render: noted with the first paint of the answer, forgotten with its last.
  if (answered && aboutThen === null) setAboutThen(about);
  if (!answered && aboutThen !== null) setAboutThen(null);
  const changed = answered && aboutThen !== null && aboutThen !== about;
  useEffect(() => {
    if (changed) clear();
  }, [changed, clear]);
}
