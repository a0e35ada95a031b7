import type { ReactNode } from 'react';
import './ActionFeedback.css';

interface ActionFeedbackProps {
  error: string | null;
  /** Shown when there is no error: what the last successful command did. */
  children?: ReactNode;
}

/**
 * The outcome of one form's last command, right under that form. The element is there (empty, taking no room)
 * before any outcome is: a live region inserted together with its text is often not announced by screen readers,
 * so the success of a command went unsaid. An error is an alert, said at once.
 */
export function ActionFeedback({ error, children }: ActionFeedbackProps) {
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
          {error}
        </>
      ) : ok ? (
        children
      ) : null}
    </p>
  );
}
