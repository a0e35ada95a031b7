import type { DeadLetterView } from '@streamscope/protocol';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { issueCommand } from '../../socket/socket-client';
import {
  mergeLetters,
  NO_LETTERS,
  OLDER_PAGE,
  type PageStop,
  pageStop,
  stopStillShown,
  withoutLetter,
} from './older-pages';
import { fetchInRequests, OLDER_FOLLOWED_MAX, olderPagesRefresh } from './older-pages-refresh';

/**
 * The letters shown: the snapshot's newest, which stay live, and the pages older than them, loaded on request
 * ("Show older") and kept beginning where the live list ends. `setOlder` is for the actions that take letters away.
 */
export function useOlderLetters(newest: readonly DeadLetterView[], dlqLength: number) {
  // Pages older than the snapshot's newest, loaded on request; the newest stay live.
  const loadOlder = useCommand<'dlq.list'>({ quiet: true });
  const [older, setOlder] = useState<readonly DeadLetterView[]>(NO_LETTERS);
  useEffect(() => {
    if (dlqLength === 0) setOlder(NO_LETTERS);
  }, [dlqLength]);
  // New letters push the oldest of the live list further back than the first loaded page began: the pages
  // are fetched again from there down to the oldest letter shown, one request at a time, so no letter falls
  // between the two and none a person paged to goes.
  const liveOldest = newest.at(-1)?.id;
  // The loaded pages as they are now, for the refresh and the actions to read when they run.
  const olderRef = useRef(older);
  olderRef.current = older;
  const [refresh] = useState(() =>
    olderPagesRefresh<DeadLetterView>({
      oldest: () => olderRef.current.at(-1)?.id,
      fetch: (before, through) =>
        fetchInRequests(
          (from, asked) =>
            issueCommand({ type: 'dlq.list', count: asked, before: from }, { quiet: true }).result,
          before,
          // More than OLDER_FOLLOWED_MAX only when a person paged that far: those stay too.
          { through, max: Math.max(OLDER_FOLLOWED_MAX, olderRef.current.length) },
        ),
      apply: setOlder,
    }),
  );
  useEffect(() => {
    refresh.follow(liveOldest);
  }, [liveOldest, refresh]);
  // Letters taken away elsewhere (a purge or a discard by another page or a client) leave the live list's end
  // where it was: the older pages are fetched again all the same, or they went on listing letters long gone.
  const lengthBefore = useRef(dlqLength);
  useEffect(() => {
    if (dlqLength < lengthBefore.current) refresh.follow(liveOldest);
    lengthBefore.current = dlqLength;
  }, [dlqLength, liveOldest, refresh]);
  const letters = useMemo(() => mergeLetters(newest, older), [newest, older]);
  const oldestShown = letters.at(-1)?.id;
  // The last page asked for stopped short of OLDER_PAGE to keep its answer small: after which letter, before which.
  const [stopped, setStopped] = useState<PageStop | null>(null);
  const showOlder = async () => {
    if (oldestShown === undefined) return;
    const page = await loadOlder.run({ type: 'dlq.list', count: OLDER_PAGE, before: oldestShown });
    if (!page) return;
    setOlder((current) => [...current, ...page.entries]);
    setStopped(pageStop(page));
  };
  /**
   * Drops letters gone from the dead-letter stream from the loaded pages: one, or with `originalOf` every letter
   * of that letter's entry (a requeue discards the entry's letters of the other groups). Stable.
   */
  const forget = useCallback(
    (gone: DeadLetterView, options?: { originalOf?: boolean }) =>
      setOlder((current) => withoutLetter(current, gone, options)),
    [],
  );
  /** The loaded older pages as they are now, for an action to read when it is taken. Stable. */
  const olderNow = useCallback(() => olderRef.current, []);

  return {
    letters,
    /** How many older letters are loaded beside the live list. */
    olderCount: older.length,
    setOlder,
    forget,
    olderNow,
    showOlder,
    stoppedHere: stopStillShown(stopped, oldestShown),
    loading: loadOlder.pending,
    error: loadOlder.error,
  };
}
