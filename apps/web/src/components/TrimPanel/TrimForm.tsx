import type { FormEvent, ReactNode } from 'react';
import type { FieldValidity } from '../../lib/field-validity';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { NumberField } from '../NumberField/NumberField';
import type { PreviewBasis } from './preview-plan';

/** What the panel gives each trim form: its field's text, and the checks around the trim. */
export interface TrimFieldProps {
  /** The field's text as typed: the panel keeps it, as the preview reads all three. */
  value: string;
  onChange: (text: string) => void;
  /** Whether the trim is exact (`=`), or approximate (`~`) as by default. */
  exact: boolean;
  /** Asks, when the trim would take entries a group has not finished with, whether to go on (`useTrimConfirm`). */
  confirm: (basis: PreviewBasis, text: string) => Promise<boolean>;
  /** The trim went: the preview on screen no longer says what a trim would do. */
  onTrimmed: () => void;
}

interface TrimFormProps extends TrimFieldProps {
  className?: string;
  basis: PreviewBasis;
  label: ReactNode;
  validity: FieldValidity;
  submitLabel: string;
  /** The form's command (`useCommand`): why the browser refused it, whether it is out, and its error. */
  command: {
    refuse: (event: FormEvent<HTMLFormElement>) => void;
    pending: boolean;
    error: string | null;
    errorId: string;
    answeredAt: number | null;
  };
  /** Sends the trim; resolves with its result, or `null` when it failed. */
  trim: () => Promise<unknown>;
  /** What the last trim did. */
  children: ReactNode;
}

/** One number and a button that trims by it, once confirmed, with what the trim did under it. */
export function TrimForm({
  className,
  basis,
  label,
  value,
  validity,
  onChange,
  submitLabel,
  command,
  confirm,
  trim,
  onTrimmed,
  children,
}: TrimFormProps) {
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await confirm(basis, value))) return;
    // What the preview said is no longer what a trim would do.
    if ((await trim()) !== null) onTrimmed();
  };
  return (
    <form className={className} onSubmit={onSubmit} onInvalid={command.refuse} aria-busy={command.pending}>
      <div className="form-row">
        <NumberField label={label} min={0} value={value} validity={validity} onChange={onChange} />
        <button type="submit">{submitLabel}</button>
      </div>
      <ActionFeedback error={command.error} at={command.answeredAt} errorId={command.errorId}>
        {children}
      </ActionFeedback>
    </form>
  );
}
