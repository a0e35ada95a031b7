import { useId } from 'react';
import type { FieldValidity } from '../../lib/field-validity';
import { TextField } from '../TextField/TextField';
import type { PositionChoice } from './group-position';

interface GroupPositionFieldProps {
  /** What the choice is for, as its label reads ("Start at", "Move cursor to"). */
  label: string;
  /** Said to screen readers after the label: which group the field is about. */
  about?: string;
  /** The visible wording of each choice. */
  choices: Readonly<Record<PositionChoice, string>>;
  /** `null`: none chosen yet, the `placeholder` shown; the form is refused until one is. */
  choice: PositionChoice | null;
  onChoice: (choice: PositionChoice) => void;
  /** Offered first, and chosen until another is: for a field none of whose choices is harmless to send by default. */
  placeholder?: string;
  typedId: string;
  onTypedId: (id: string) => void;
  /** Marks the typed ID while its form's last refusal is about it. */
  typedIdValidity: FieldValidity;
}

/** A group position, as XGROUP CREATE and SETID take one: `$`, `0-0`, or after an ID typed in beside it. */
export function GroupPositionField({
  label,
  about,
  choices,
  choice,
  onChoice,
  typedId,
  onTypedId,
  typedIdValidity,
  placeholder,
}: GroupPositionFieldProps) {
  const selectId = useId();
  const aboutText = about === undefined ? null : <span className="sr-only"> {about}</span>;
  return (
    <>
      <div className="field">
        <label htmlFor={selectId}>
          {label}
          {aboutText}
        </label>
        <select
          id={selectId}
          value={choice ?? ''}
          required={placeholder !== undefined}
          onChange={(event) => onChoice(event.target.value as PositionChoice)}
        >
          {placeholder === undefined ? null : (
            <option value="" disabled>
              {placeholder}
            </option>
          )}
          <option value="$">{choices.$}</option>
          <option value="0-0">{choices['0-0']}</option>
          <option value="id">{choices.id}</option>
        </select>
      </div>
      {choice === 'id' ? (
        <TextField
          label={<>After ID{aboutText}</>}
          inputClassName="mono position-id"
          required
          placeholder="1716998413541-0"
          value={typedId}
          onChange={onTypedId}
          validity={typedIdValidity}
        />
      ) : null}
    </>
  );
}
