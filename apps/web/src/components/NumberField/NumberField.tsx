import { type ReactNode, useId } from 'react';
import { type FieldValidity, validityProps } from '../../lib/field-validity';

interface NumberFieldProps {
  label: ReactNode;
  /** The text as typed: kept as text so a half-typed or bad value reaches the server's validation as is. */
  value: string;
  onChange: (text: string) => void;
  /** Marks the field while its form's last refusal is about its value: from `useCommand().field(argument)`. */
  validity?: FieldValidity;
  min?: number;
  max?: number;
  step?: number;
}

/**
 * A labelled number input in the dashboard's form layout; the browser checks `min`/`max`/`step` first, and that it is
 * not blank: every command these fields feed needs its number, and left to the command's schema a blank field was
 * refused as "olderThanMs must be a number", naming an argument the page never shows rather than the field.
 */
export function NumberField({ label, value, onChange, validity, min, max, step = 1 }: NumberFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step={step}
        required
        value={value}
        {...validityProps(validity, onChange)}
      />
    </div>
  );
}
