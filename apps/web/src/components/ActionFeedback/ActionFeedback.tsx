import type { ReactNode } from 'react';
import './ActionFeedback.css';

interface ActionFeedbackProps {
  error: string | null;
  /** Shown when there is no error: what the last successful command did. */
  children?: ReactNode;
}

/** The outcome of one form's last command, right under that form. */
export function ActionFeedback({ error, children }: ActionFeedbackProps) {
  if (error !== null) {
    return (
      <p className="action-feedback action-error" role="alert">
        <span aria-hidden="true">⚠ </span>
        {error}
      </p>
    );
  }
  if (children === undefined || children === null || children === false) return null;
  return (
    <p className="action-feedback action-ok" aria-live="polite">
      {children}
    </p>
  );
}
