import { useCallback, useEffect, useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { type TrimPreview, trimPreviewInputs } from '../../lib/trim-preview';
import { issueCommand } from '../../socket/socket-client';
import { useDashboard } from '../../store/store';
import { OneAtATime } from './one-at-a-time';
import {
  isPreviewable,
  type PlannedPreview,
  type PreviewBasis,
  planPreview,
  previewFieldLabel,
} from './preview-plan';

/** How long typing must pause before the preview is asked for: one request per number, not per keystroke. */
const PREVIEW_DEBOUNCE_MS = 300;

/** The preview follows the stream at most this often: at thousands of events a second it changes every tick. */
const PREVIEW_REFRESH_MS = 1_000;

/**
 * A preview by age is asked again this often while the stream stands still: entries age past the cutoff with no
 * change a snapshot shows, and "removes nothing" stayed on screen long after it stopped being true.
 */
const AGE_PREVIEW_REFRESH_MS = 5_000;

export interface ShownPreview {
  label: string;
  preview: TrimPreview;
  /** When the answer came: it is true of the stream as it was then. */
  at: number;
  /** Asked for again because the stream changed, not by the user: not announced, or it would talk every second. */
  refreshed: boolean;
}

/**
 * The preview of what a trim would take from each group: asked for as the user types (debounced), on the Preview
 * button, once when the socket is first up, and again as the stream changes (at most once a second), one request
 * out at a time. `texts` are the three fields as typed; the field edited last is the trim the Preview button asks
 * about.
 */
export function useTrimPreview(texts: Readonly<Record<PreviewBasis, string>>) {
  // The MAXLEN typed by now, for the preview asked for on connecting, which must not re-run per keystroke.
  const maxlenRef = useRef(texts.maxlen);
  maxlenRef.current = texts.maxlen;
  // The field edited last is the trim the Preview button asks about.
  const [basis, setBasis] = useState<PreviewBasis>('maxlen');
  // Previews run as the user types: kept out of "Last result", which is for what the user did.
  const preview = useCommand<'trim.preview'>({
    quiet: true,
    labelOf: (argument) => previewFieldLabel(argument, basis),
  });
  const [queued, setQueued] = useState<PlannedPreview | null>(null);
  // The last answer stays on screen while the next is on its way, so the line does not blink at every keystroke.
  const [shown, setShown] = useState<ShownPreview | null>(null);
  // Bumped at every ask: an answer is shown only if nothing was asked for after it.
  const previewSeq = useRef(0);
  // The preview asked for last and when: what a change of the stream asks for again, at most once a second.
  const lastPlan = useRef<PlannedPreview | null>(null);
  const lastAskedAt = useRef(0);
  const { run: runPreviewCommand, clear: clearPreviewState } = preview;

  const sendPreview = async ({ plan, refreshed }: { plan: PlannedPreview; refreshed: boolean }) => {
    const seq = previewSeq.current;
    lastAskedAt.current = Date.now();
    if (!refreshed) {
      // Asked for by the user: a failure (refused, Redis away) is shown where the answer would be.
      const result = await runPreviewCommand(plan.command);
      if (seq !== previewSeq.current) return;
      setShown(result === null ? null : { label: plan.label, preview: result, at: Date.now(), refreshed });
      return;
    }
    try {
      const result = await issueCommand(plan.command, { quiet: true }).result;
      if (seq !== previewSeq.current) return;
      // A fresh answer replaces what the last failure said, too.
      clearPreviewState();
      setShown({ label: plan.label, preview: result, at: Date.now(), refreshed });
    } catch {
      // Refused (this page's other commands fill its slots on the server), Redis away, offline: nobody asked
      // for this one, so the answer on screen stays, stamped with when it was true, and the stream's next
      // change asks again.
    }
  };
  const sendPreviewRef = useRef(sendPreview);
  sendPreviewRef.current = sendPreview;
  // One preview out at a time, typed or refreshed: slow ones must not fill the few commands the server runs
  // per page (it would refuse the user's next click), and the number typed last is always the one sent.
  const [previews] = useState(
    () =>
      new OneAtATime((request: { plan: PlannedPreview; refreshed: boolean }) =>
        sendPreviewRef.current(request),
      ),
  );

  const runPreview = useCallback(
    (plan: PlannedPreview) => {
      previewSeq.current += 1;
      lastPlan.current = plan;
      previews.ask({ plan, refreshed: false });
    },
    [previews],
  );
  /** Asks again about the last plan, unless a preview is out: its answer will be the fresher one. */
  const refreshPreview = useCallback(() => {
    const plan = lastPlan.current;
    if (plan === null || previews.busy) return;
    previewSeq.current += 1;
    previews.askIfIdle({ plan, refreshed: true });
  }, [previews]);

  // About a stream since deleted: it goes, and the refresh below asks about the new one.
  useOnStreamReset(useCallback(() => setShown(null), []));

  // An answer is true of the stream as it was: when entries are added, trimmed, read or acked, ask again.
  // The wait runs from the last request, so a stream changing every tick still gets one a second.
  const previewInputs = useDashboard((state) => trimPreviewInputs(state.snapshot));
  useEffect(() => {
    if (previewInputs === null || lastPlan.current === null) return;
    const wait = Math.max(0, lastAskedAt.current + PREVIEW_REFRESH_MS - Date.now());
    // The plan as it is when the timer fires: one typed meanwhile must not be overtaken by the older one.
    const timer = setTimeout(refreshPreview, wait);
    return () => clearTimeout(timer);
  }, [previewInputs, refreshPreview]);

  // The cutoff of a preview by age moves with the clock: asked again on an interval too, the answer on screen as
  // old as a few seconds at most. Not a timeout re-armed by each answer: one refresh refused or skipped (busy)
  // re-armed nothing, and the preview froze again.
  const byAge = shown !== null && 'olderThanMs' in (lastPlan.current?.command ?? {});
  useEffect(() => {
    if (!byAge) return;
    const timer = setInterval(refreshPreview, AGE_PREVIEW_REFRESH_MS);
    return () => clearInterval(timer);
  }, [byAge, refreshPreview]);

  useEffect(() => {
    if (queued === null) return;
    const timer = setTimeout(() => runPreview(queued), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [queued, runPreview]);

  /** A field was edited: its number is previewed once typing pauses, or the preview goes if it is not a number. */
  const edit = (next: PreviewBasis, text: string) => {
    setBasis(next);
    if (isPreviewable(text)) {
      setQueued(planPreview(next, text));
    } else {
      setQueued(null);
      setShown(null);
      // Nothing to follow the stream with until a number is typed again.
      lastPlan.current = null;
      previewSeq.current += 1;
      previews.drop();
    }
  };
  const previewNow = () => {
    setQueued(null);
    runPreview(planPreview(basis, texts[basis]));
  };
  // Before anyone trims, the preview is already there: asked for once, as soon as the socket is first up. A
  // reconnect leaves alone whatever the user previewed since.
  const connected = useDashboard((state) => state.connection.status === 'open');
  const previewedOnConnect = useRef(false);
  useEffect(() => {
    if (!connected || previewedOnConnect.current) return;
    previewedOnConnect.current = true;
    if (isPreviewable(maxlenRef.current)) setQueued(planPreview('maxlen', maxlenRef.current));
  }, [connected]);

  return {
    basis,
    shown,
    pending: preview.pending,
    error: preview.error,
    edit,
    previewNow,
    /**
     * A trim went: what the preview said is no longer what a trim would do. It goes, and the same trim is asked
     * about again at once; left to the next change of the stream, the panel showed none on a stream standing still.
     */
    afterTrim: () => {
      setShown(null);
      refreshPreview();
    },
  };
}
