import { formatClock } from '../../lib/format';
import { summariseTrimPreview } from '../../lib/trim-preview';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { basisHint, type PreviewBasis } from './preview-plan';
import { TRIM_LOSS } from './trim-loss';
import type { ShownPreview } from './use-trim-preview';

interface LossPreviewProps {
  /** The trim the Preview button asks about: the field edited last. */
  basis: PreviewBasis;
  exact: boolean;
  /** Whether a preview the user asked for is out, and why the last one failed. */
  pending: boolean;
  error: string | null;
  /** The last answer, kept on screen while the next is on its way. */
  shown: ShownPreview | null;
  /** Whether the field asked about holds a number a preview can take: else it says so, where the answer was. */
  previewable: boolean;
  onPreviewNow: () => void;
}

/**
 * What a trim would take from each group, before it goes: the Preview button and the last answer, marked when it
 * would take entries a group has not finished with, and stamped with when it was true.
 */
export function LossPreview({
  basis,
  exact,
  pending,
  error,
  shown,
  previewable,
  onPreviewNow,
}: LossPreviewProps) {
  const summary = shown === null ? null : summariseTrimPreview(shown.preview);
  return (
    <div className="trim-preview" aria-busy={pending}>
      <div className="form-row">
        <button type="button" className="small" onClick={onPreviewNow}>
          Preview
        </button>
        <span className="trim-preview-hint">
          what {basisHint(basis, exact ? '=' : '~')} would take from each group
        </span>
      </div>
      {!previewable ? (
        // The answer went as the number did: a line that vanished as "-1" was typed said nothing of why. The
        // refusal of the number before it goes too ("must be at most 1,000,000,000" under a cleared field).
        <p className="trim-preview-result muted">No preview: it takes a whole number, 0 or more.</p>
      ) : error !== null ? (
        <ActionFeedback error={error} />
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
  );
}
