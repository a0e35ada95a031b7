import { type ReactNode, useId } from 'react';
import { type FieldValidity, validityProps } from '../../lib/field-validity';

interface TextFieldProps {
  label: ReactNode;
  value: string;
  onChange: (text: string) => void;
  /** Marks the field while its form's last refusal is about its value: from `useCommand().field(argument)`. */
  validity?: FieldValidity;
  placeholder?: string;
  required?: boolean;
  /** The input's own class (`mono`, a width). */
  inputClassName?: string;
}

/**
 * A labelled one-line text input in the dashboard's form layout, for names and stream IDs: no spell check and no
 * autofill, which would underline or offer to complete `worker-a` and `1716998413541-0` as if they were prose.
 */
export function TextField({
  label,
  value,
  onChange,
  validity,
  placeholder,
  required,
  inputClassName,
}: TextFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className={inputClassName}
        type="text"
        required={required}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        value={value}
        {...validityProps(validity, onChange)}
      />
    </div>
  );
}
