/**
 * A form field's part in its form's last refusal, said to assistive technology as well as on screen: while the field
 * holds the value that was refused, `aria-invalid` on it and `aria-describedby` to the reason under the form. Each
 * field gets its own from `useCommand().field(argument)`; `TextField` and `NumberField` take it as `validity`.
 *
 * @example
 * <TextField label="Start" value={start} onChange={setStart} validity={replay.field('start')} />
 * <ActionFeedback error={replay.error} errorId={replay.errorId} />
 */
export interface FieldValidity {
  /** The command argument the field gives: the name a refusal, the browser's or the server's, finds it by. */
  readonly argument: string;
  /** The id of the reason while it is about this field's value; `null` when it is not. */
  readonly errorId: string | null;
  /** Told of every edit: the value refused is no longer there to be marked (the reason stays said). */
  readonly onEdit: () => void;
  /** Given the field's element: a refusal of its value names it by its label. */
  readonly ref?: (element: HTMLInputElement | null) => void;
}

/** A form's last error and the arguments it is about, by name, as `useCommand` keeps them. */
export interface Refusal {
  readonly error: string | null;
  readonly invalid: readonly string[];
}

/**
 * The validity of the field giving `argument`: marked while the form's error is said, names `argument`, and that field
 * was not edited since; `edited` is told of its edits (`withEdited` is what it does to the refusal), and `ref` of its
 * element.
 */
export function fieldValidity(
  { error, invalid }: Refusal,
  argument: string,
  errorId: string,
  edited: (argument: string) => void,
  ref?: (element: HTMLInputElement | null) => void,
): FieldValidity {
  return {
    argument,
    errorId: error !== null && invalid.includes(argument) ? errorId : null,
    onEdit: () => edited(argument),
    ...(ref === undefined ? {} : { ref }),
  };
}

/**
 * The validity of one input that gives several arguments (Find entry's `order_id=o-1234` gives a search both its field
 * and its value): marked while the refusal is about any of them, and each told of its edits and given its element.
 */
export function oneFieldFor(
  first: FieldValidity,
  ...others: readonly FieldValidity[]
): FieldValidity & Required<Pick<FieldValidity, 'ref'>> {
  const all = [first, ...others];
  const refused = all.find((validity) => validity.errorId !== null) ?? first;
  return {
    argument: refused.argument,
    errorId: refused.errorId,
    onEdit: () => {
      for (const validity of all) validity.onEdit();
    },
    ref: (element) => {
      for (const validity of all) validity.ref?.(element);
    },
  };
}

/** The refusal once the field giving `argument` is edited: about the other fields only. */
export function withEdited<R extends Refusal>(refusal: R, argument: string): R {
  return refusal.invalid.includes(argument)
    ? { ...refusal, invalid: refusal.invalid.filter((name) => name !== argument) }
    : refusal;
}

/**
 * The input's props for its `validity`: the argument it gives (for `useCommand().refuse` to find it by), while refused
 * `aria-invalid` and the reason's id, and its `onChange`, which tells `validity` of the edit before `onChange` of the text.
 */
export function validityProps(validity: FieldValidity | undefined, onChange: (text: string) => void) {
  const errorId = validity?.errorId ?? undefined;
  return {
    ref: validity?.ref,
    'data-argument': validity?.argument,
    'aria-invalid': errorId === undefined ? undefined : true,
    'aria-describedby': errorId,
    onChange: (event: { readonly target: { readonly value: string } }) => {
      validity?.onEdit();
      onChange(event.target.value);
    },
  } as const;
}
