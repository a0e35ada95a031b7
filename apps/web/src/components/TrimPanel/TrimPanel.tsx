import type { CommandInput } from '@streamscope/protocol';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { formatClock, formatCount, formatDuration } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { summariseTrimPreview, type TrimPreview, trimPreviewInputs } from '../../lib/trim-preview';
import { issueCommand } from '../../socket/socket-client';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { NumberField } from '../NumberField/NumberField';
import { Panel } from '../Panel/Panel';
import { OneAtATime } from './one-at-a-time';
import './TrimPanel.css';

const INITIAL_MAXLEN = '100';

/** How long typing must pause before the preview is asked for: one request per number, not per keystroke. */
const PREVIEW_DEBOUNCE_MS = 300;

/** The preview follows the stream at most this often: at thousands of events a second it changes every tick. */
const PREVIEW_REFRESH_MS = 1_000;

/** What a preview is about: the MAXLEN trim, the trim by age, or the standing policy (by age, too). */
type PreviewBasis = 'maxlen' | 'age' | 'policy';
type PreviewCommand = Extract<CommandInput, { type: 'trim.preview' }>;

interface PlannedPreview {
  command: PreviewCommand;
  /** What is previewed, in words: `MAXLEN 100`, `older than 1 m 00 s`. */
  label: string;
}

function planPreview(basis: PreviewBasis, text: string): PlannedPreview {
  const value = parseNumberInput(text);
  if (basis === 'maxlen') {
    return { command: { type: 'trim.preview', maxlen: value }, label: `MAXLEN ${formatCount(value)}` };
  }
  // "a policy keeping": a preview of the policy typed, not of the one running (which the line under it names).
  const label = `${basis === 'policy' ? 'a policy keeping at most' : 'older than'} ${formatDuration(value)}`;
  return { command: { type: 'trim.preview', olderThanMs: value }, label };
}

interface ShownPreview {
  label: string;
  preview: TrimPreview;
  /** When the answer came: it is true of the stream as it was then. */
  at: number;
  /** Asked for again because the stream changed, not by the user: not announced, or it would talk every second. */
  refreshed: boolean;
}

const BASIS_HINT: Record<PreviewBasis, (operator: string) => string> = {
  maxlen: (operator) => `MAXLEN ${operator}`,
  age: () => 'trim by age',
  policy: () => 'the standing policy',
};

/**
 * What a trim does to entries a group has not finished with, in Redis's terms: XTRIM leaves a pending ID in its
 * consumer's PEL without its payload, which a claim then reports deleted; an unread one is simply gone.
 */
const TRIM_LOSS =
  'Pending ones would lose their payload (their IDs stay pending, and a claim finds them deleted and dead-letters them as trimmed); unread ones would never be delivered.';

/** Only whole, non-negative numbers are previewed as the user types; the button sends anything, to show why not. */
function isPreviewable(text: string): boolean {
  const value = parseNumberInput(text);
  return Number.isInteger(value) && value >= 0;
}

/**
 * XTRIM by length or by age, with a preview of what it would take from each group, and a standing age policy.
 * Approximate (`~`) by default: Redis then frees only whole macro-nodes.
 */
export function TrimPanel() {
  const [maxlen, setMaxlen] = useState(INITIAL_MAXLEN);
  // A trim whose preview is being asked for before it goes (see `confirmTrim`): a second click meanwhile is
  // ignored (a double click asked twice, and trimmed twice). Not a disabled button: focus would leave it.
  const checking = useRef(false);
  // The MAXLEN typed by now, for the preview asked for on connecting, which must not re-run per keystroke.
  const maxlenRef = useRef(maxlen);
  maxlenRef.current = maxlen;
  const [olderThanMs, setOlderThanMs] = useState('60000');
  const [keepMs, setKeepMs] = useState('60000');
  const [exact, setExact] = useState(false);
  const byLength = useCommand<'trim.maxlen'>();
  const byAge = useCommand<'trim.minid'>();
  const policy = useCommand<'retention.set'>();
  // Previews run as the user types: kept out of "Last result", which is for what the user did.
  const preview = useCommand<'trim.preview'>({ quiet: true });
  const activeMaxAgeMs = useDashboard((state) => state.snapshot?.retention.maxAgeMs ?? null);
  const operator = exact ? '=' : '~';

  // The field edited last is the trim the Preview button asks about.
  const [basis, setBasis] = useState<PreviewBasis>('maxlen');
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

  useEffect(() => {
    if (queued === null) return;
    const timer = setTimeout(() => runPreview(queued), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [queued, runPreview]);

  const onEdit = (next: PreviewBasis, text: string) => {
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
  const textOf = (which: PreviewBasis) =>
    which === 'maxlen' ? maxlen : which === 'age' ? olderThanMs : keepMs;
  const onPreviewNow = () => {
    setQueued(null);
    runPreview(planPreview(basis, textOf(basis)));
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

  /**
   * Whether to go on with a trim: it asks the server what exactly the trim would take now, and when that is entries
   * a group has not finished with, the user is asked. The preview on screen is not enough: it is up to a second
   * behind the stream, and a second behind what was typed (a MAXLEN typed and applied at once deleted 20 entries
   * a new group had not read, with no preview yet to warn of it).
   */
  const confirmTrim = async (which: PreviewBasis, action: string): Promise<boolean> => {
    if (checking.current) return false;
    const text = textOf(which);
    // What the server will refuse anyway (the browser's own check lets it through in some cases) is not asked about.
    if (!isPreviewable(text)) return true;
    const plan = planPreview(which, text);
    let summary: ReturnType<typeof summariseTrimPreview>;
    checking.current = true;
    try {
      summary = summariseTrimPreview(await issueCommand(plan.command, { quiet: true }).result);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return window.confirm(
        `${action}: what it would take could not be checked (${message}).\n\n${action} anyway?`,
      );
    } finally {
      checking.current = false;
    }
    if (!summary.unsafe) return true;
    return window.confirm(
      [
        `${action}: ${summary.text}${exact || which === 'policy' ? '' : ' (with ~, Redis may remove fewer)'}.`,
        TRIM_LOSS,
        `${action} anyway?`,
      ].join('\n\n'),
    );
  };

  const onTrimLength = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await confirmTrim('maxlen', `XTRIM MAXLEN ${operator} ${maxlen.trim()}`))) return;
    const result = await byLength.run({
      type: 'trim.maxlen',
      maxlen: parseNumberInput(maxlen),
      approx: !exact,
    });
    // What the preview said is no longer what a trim would do.
    if (result !== null) setShown(null);
  };
  const onTrimAge = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await confirmTrim('age', `Trim entries older than ${olderThanMs.trim()} ms`))) return;
    const result = await byAge.run({
      type: 'trim.minid',
      olderThanMs: parseNumberInput(olderThanMs),
      approx: !exact,
    });
    if (result !== null) setShown(null);
  };
  const onApplyPolicy = async (event: FormEvent) => {
    event.preventDefault();
    // Its first trim runs within a second of being set.
    if (!(await confirmTrim('policy', `Keep at most ${keepMs.trim()} ms`))) return;
    await policy.run({ type: 'retention.set', maxAgeMs: parseNumberInput(keepMs) });
  };

  const summary = shown === null ? null : summariseTrimPreview(shown.preview);

  return (
    <Panel title="Retention" subtitle="XTRIM">
      <form onSubmit={onTrimLength} onInvalid={byLength.refuse} aria-busy={byLength.pending}>
        <div className="form-row">
          <NumberField
            label={<>MAXLEN {operator}</>}
            min={0}
            value={maxlen}
            validity={byLength.field('maxlen')}
            onChange={(text) => {
              setMaxlen(text);
              onEdit('maxlen', text);
            }}
          />
          <button type="submit">XTRIM</button>
        </div>
        <ActionFeedback error={byLength.error} errorId={byLength.errorId}>
          {byLength.result === null ? null : (
            <>
              Deleted <strong>{formatCount(byLength.result.deleted)}</strong>, length now{' '}
              <strong>{formatCount(byLength.result.length)}</strong>
            </>
          )}
        </ActionFeedback>
      </form>

      <form className="trim-age" onSubmit={onTrimAge} onInvalid={byAge.refuse} aria-busy={byAge.pending}>
        <div className="form-row">
          <NumberField
            label="Older than (ms)"
            min={0}
            value={olderThanMs}
            validity={byAge.field('olderThanMs')}
            onChange={(text) => {
              setOlderThanMs(text);
              onEdit('age', text);
            }}
          />
          <button type="submit">Trim by age</button>
        </div>
        <ActionFeedback error={byAge.error} errorId={byAge.errorId}>
          {byAge.result === null ? null : (
            <>
              Deleted <strong>{formatCount(byAge.result.deleted)}</strong> below MINID{' '}
              <span className="mono">{byAge.result.minId}</span>, length now{' '}
              <strong>{formatCount(byAge.result.length)}</strong>
            </>
          )}
        </ActionFeedback>
      </form>

      <label className="checkbox trim-exact">
        <input type="checkbox" checked={exact} onChange={(event) => setExact(event.target.checked)} />
        Exact trim (without <span className="mono">~</span>)
      </label>
      <p className="trim-note">
        With <span className="mono">~</span> Redis frees only whole macro-nodes, so a small stream may not
        shrink.
      </p>

      <div className="trim-preview" aria-busy={preview.pending}>
        <div className="form-row">
          <button type="button" className="small" onClick={onPreviewNow}>
            Preview
          </button>
          <span className="trim-preview-hint">
            what {BASIS_HINT[basis](operator)} would take from each group
          </span>
        </div>
        {preview.error !== null ? (
          <ActionFeedback error={preview.error} />
        ) : summary === null || shown === null ? null : (
          <p
            className={`trim-preview-result${summary.unsafe ? ' is-unsafe' : ''}`}
            aria-live={shown.refreshed ? 'off' : 'polite'}
          >
            {summary.unsafe ? <span aria-hidden="true">⚠ </span> : null}
            <span className="mono">{shown.label}</span>: {summary.text}.
            {summary.unsafe ? <span className="trim-preview-why"> {TRIM_LOSS}</span> : null}
            {exact || shown.preview.removes === 0 ? null : (
              <span className="trim-preview-why"> (Counted exactly; with ~ Redis may remove fewer.)</span>
            )}
            {/* Refreshed as the stream changes, but up to a second behind it: say when it was true. */}
            <span className="trim-preview-at"> As of {formatClock(shown.at)}.</span>
          </p>
        )}
      </div>

      <form
        className="retention-policy"
        onSubmit={onApplyPolicy}
        onInvalid={policy.refuse}
        aria-busy={policy.pending}
      >
        <h3 className="section-title">Standing policy</h3>
        <div className="form-row">
          <NumberField
            label="Keep at most (ms)"
            min={1000}
            value={keepMs}
            validity={policy.field('maxAgeMs')}
            onChange={(text) => {
              setKeepMs(text);
              onEdit('policy', text);
            }}
          />
          <button type="submit">Apply policy</button>
          <button
            type="button"
            disabled={activeMaxAgeMs === null}
            onClick={() => void policy.run({ type: 'retention.set', maxAgeMs: null })}
          >
            Stop policy
          </button>
        </div>
        <p className={`retention-policy-state${activeMaxAgeMs === null ? '' : ' is-active'}`}>
          {activeMaxAgeMs === null ? (
            'Off: entries stay until a trim above or the XADD cap removes them.'
          ) : (
            <>
              On: every second, entries older than <strong>{formatDuration(activeMaxAgeMs)}</strong> are
              trimmed (MINID by age).
            </>
          )}
        </p>
        <ActionFeedback error={policy.error} errorId={policy.errorId}>
          {policy.result === null ? null : policy.result.maxAgeMs === null ? (
            'Policy stopped.'
          ) : (
            <>
              Policy set: keep at most <strong>{formatDuration(policy.result.maxAgeMs)}</strong>.
            </>
          )}
        </ActionFeedback>
      </form>
    </Panel>
  );
}
