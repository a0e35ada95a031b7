import type { ReactNode } from 'react';
import { formatClock } from '../../lib/format';
import './ActionFeedback.css';

interface ActionFeedbackProps {
  error: string | null;
  /** The id of the error's text, for the fields it is about to point at (`useCommand().errorId`). */
  errorId?: string;
  /** Shown when there is no error: what the last successful command did. */
  children?: ReactNode;
  /** When the outcome came (`useCommand().answeredAt`): the same answer twice reads as one without it. */
  at?: number | null;
}

/**
 * The outcome of one form's last command, right under that form. The element is there (empty, taking no room)
 * before any outcome is: a live region inserted together with its text is often not announced by screen readers,
 * so the success of a command went unsaid. An error is an alert, said at once.
 */
export function ActionFeedback({ error, errorId, children, at = null }: ActionFeedbackProps) {
  const ok = !(children === undefined || children === null || children === false);
  const state = error !== null ? ' action-error' : ok ? ' action-ok' : '';
  return (
    <p
      className={`action-feedback${state}`}
      role={error !== null ? 'alert' : undefined}
      aria-live={error !== null ? 'assertive' : 'polite'}
    >
      {error !== null ? (
        <>
          <span aria-hidden="true">⚠ </span>
          <span id={errorId}>{error}</span>
          <AnsweredAt at={at} />
        </>
      ) : ok ? (
        <>
          {/* Its own element, so the answer reads as one text apart from when it came. */}
          <span>{children}</span>
          <AnsweredAt at={at} />
        </>
      ) : null}
    </p>
  );
}

/** When an answer came, after it: ` · 14:03:07`. */
export function AnsweredAt({ at }: { at: number | null }) {
  if (at === null) return null;
  return (
    <time className="action-time" dateTime={new Date(at).toISOString()}>
      {' · '}
      {formatClock(at)}
    </time>
  );
}
