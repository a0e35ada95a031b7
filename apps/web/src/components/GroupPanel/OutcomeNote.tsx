import { type ReactNode, useEffect, useRef, useState } from 'react';
import { AnsweredAt } from '../ActionFeedback/ActionFeedback';

interface OutcomeNoteProps {
  /** The outcome the note tells of: each new one takes focus again. */
  outcome: object;
  dismissLabel: string;
  onDismiss: () => void;
  children: ReactNode;
}

/**
 * What an action did, said where the control that did it was: a Remove or Delete button leaves with its card or
 * panel at the next snapshot, which would drop focus to <body>, so focus moves to this note instead.
 */
export function OutcomeNote({ outcome, dismissLabel, onDismiss, children }: OutcomeNoteProps) {
  const note = useRef<HTMLParagraphElement>(null);
  // When each outcome came, as every other answer on the page says it: two removals read as one without it.
  const [seen, setSeen] = useState(() => ({ outcome, at: Date.now() }));
  if (seen.outcome !== outcome) setSeen({ outcome, at: Date.now() });
  useEffect(() => {
    if (outcome) note.current?.focus();
  }, [outcome]);
  return (
    <p ref={note} tabIndex={-1} className="removal-note" aria-live="polite">
      <span>
        {children}
        <AnsweredAt at={seen.at} />
      </span>
      <button type="button" className="small dismiss" aria-label={dismissLabel} onClick={onDismiss}>
        ×
      </button>
    </p>
  );
}
