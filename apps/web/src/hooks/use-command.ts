import type { CommandInput, CommandResults, CommandType } from '@streamscope/protocol';
import { type FormEvent, useCallback, useId, useRef, useState } from 'react';
import { type FieldValidity, fieldValidity, withEdited } from '../lib/field-validity';
import { fieldLabel, formRefusal, issuesRefusal } from '../lib/form-refusal';
import { CommandError, type CommandErrorCode } from '../socket/command-error';
import { type IssueOptions, issueCommand } from '../socket/socket-client';
import { useOnConnected } from './use-on-connected';
import { isRedisUnavailable, useOnRedisBack } from './use-on-redis-back';
import { useOnStreamReset } from './use-stream-reset';

export interface CommandState<R> {
  /** The request this form sent last; only its answer is shown here. */
  requestId: string | null;
  pending: boolean;
  error: string | null;
  /** Why `error`: `offline` ones go once the socket is open again. */
  errorCode: CommandErrorCode | null;
  /** The arguments `error` is about, by name: their fields are marked invalid with it until edited. */
  invalid: readonly string[];
  result: R | null;
  /** When `result` or `error` came, for the form to say it: a second "Produced 10" looked like the first. */
  answeredAt: number | null;
}

/** The arguments of command `T` a form field may give, by name (`rate` of `producer.start`). */
type ArgumentOf<T extends CommandType> = T extends unknown
  ? Exclude<keyof Extract<CommandInput, { type: T }>, 'type'> & string
  : never;

/** A form's state before its first command, and once cleared. */
const NOTHING_SENT: CommandState<never> = {
  requestId: null,
  pending: false,
  error: null,
  errorCode: null,
  invalid: [],
  result: null,
  answeredAt: null,
};

/**
 * One form's command: it keeps its own request id and shows its own error and result, so an error appears next to
 * the control that caused it. `run` resolves with the result, or `null` when the command failed. `quiet` requests
 * (background previews) stay out of the "Last result" panel. A refused value is tied to its field too: give each
 * field `field(argument)` and the form's `ActionFeedback` `errorId` (see `FieldValidity`); the reason then names
 * the field by its label, whether the browser's own checks or the command's schema refused it. A command sent from
 * no form of its own (a preview of another form's value) names the fields it took them from with `labelOf`.
 */
/**
 * What a failed command says under its form: a value refused by the command's schema, or by the server beyond it
 * (a cursor past the newest ID, a name already taken, a paused target), named by the label of the field that gave
 * it (`labelOf`); any other error as it is.
 */
function refusalMessage(error: unknown, labelOf: (argument: string) => string | null): string {
  if (!(error instanceof CommandError)) return error instanceof Error ? error.message : String(error);
  if (error.issues.length > 0) return issuesRefusal(error.issues, labelOf);
  const [refusedField] = error.fields;
  if (refusedField !== undefined) return formRefusal(labelOf(refusedField), error.message);
  return error.message;
}

export function useCommand<T extends CommandType>({
  quiet = false,
  labelOf,
}: IssueOptions & { labelOf?: (argument: string) => string | null } = {}) {
  const [state, setState] = useState<CommandState<CommandResults[T]>>(NOTHING_SENT);
  // Read when an answer comes, not when `run` was made: the field a value came from may change in between.
  const labelOfRef = useRef(labelOf);
  labelOfRef.current = labelOf;
  const errorId = useId();
  const latest = useRef<string | null>(null);
  // The element of the field giving each argument, and one stable ref callback per argument that keeps it here: a
  // refusal of an argument's value names that field by its label.
  const fieldElements = useRef(new Map<string, HTMLInputElement>());
  const fieldRefs = useRef(new Map<string, (element: HTMLInputElement | null) => void>());
  const refOf = (argument: string) => {
    let ref = fieldRefs.current.get(argument);
    if (ref === undefined) {
      ref = (element) => {
        if (element === null) fieldElements.current.delete(argument);
        else fieldElements.current.set(argument, element);
      };
      fieldRefs.current.set(argument, ref);
    }
    return ref;
  };

  const run = useCallback(
    async (
      command: Extract<CommandInput, { type: T }>,
      // For a caller that acts on why it failed (a removal finding its consumer gone), beside the error shown.
      { onError }: { onError?: (error: CommandError) => void } = {},
    ): Promise<CommandResults[T] | null> => {
      const issued = issueCommand(command, { quiet });
      const { requestId } = issued;
      latest.current = requestId;
      setState({ ...NOTHING_SENT, requestId, pending: true });
      try {
        const result = (await issued.result) as CommandResults[T];
        if (latest.current === requestId)
          setState({ ...NOTHING_SENT, requestId, result, answeredAt: Date.now() });
        return result;
      } catch (error) {
        const message = refusalMessage(error, (argument) => {
          const element = fieldElements.current.get(argument);
          return element === undefined ? (labelOfRef.current?.(argument) ?? null) : fieldLabel(element);
        });
        const errorCode = error instanceof CommandError ? error.code : null;
        const invalid = error instanceof CommandError ? error.fields : [];
        if (latest.current === requestId) {
          setState({
            ...NOTHING_SENT,
            requestId,
            error: message,
            errorCode,
            invalid,
            answeredAt: Date.now(),
          });
          focusRefusedField(invalid.map((argument) => fieldElements.current.get(argument)));
        }
        if (error instanceof CommandError) onError?.(error);
        return null;
      }
    },
    [quiet],
  );

  // "Redis is unavailable" stops being true when it is back: the error goes with the outage it reported.
  useOnRedisBack(
    useCallback(() => {
      setState((current) =>
        current.error !== null && isRedisUnavailable(current.error)
          ? { ...current, error: null, errorCode: null }
          : current,
      );
    }, []),
  );

  // "Not connected to the server" likewise goes when the socket is open again: trying again is now possible.
  useOnConnected(
    useCallback(() => {
      setState((current) =>
        current.errorCode === 'offline' ? { ...current, error: null, errorCode: null } : current,
      );
    }, []),
  );

  // A result about a stream since deleted (its last ID, its entries, a trim of it) is no longer true of anything.
  useOnStreamReset(
    useCallback(() => {
      setState((current) =>
        current.pending ? current : { ...current, error: null, errorCode: null, result: null },
      );
    }, []),
  );

  /** A value refused before anything went out: the reason said beside its field, by its label, focus on it. */
  const refuseField = useCallback(
    (field: HTMLInputElement | HTMLSelectElement | null, argument: string | undefined, reason: string) => {
      field?.focus();
      latest.current = null;
      // Said at once, where the user acted, before anything went out: no request, and no time of an answer to show.
      setState({
        ...NOTHING_SENT,
        error: formRefusal(field === null ? null : fieldLabel(field), reason),
        invalid: argument === undefined ? [] : [argument],
      });
    },
    [],
  );

  /**
   * For the form's `onInvalid`: the browser refused to send it (a number out of range). Left alone, the answer
   * to the attempt before stayed under the form as if it were this one's ("Produced 10" after a refused 0), and
   * the browser's bubble, gone after a few seconds, was all that said why: the reason replaces it, where the
   * user acted. An answer still on its way is of the attempt before, and is no longer shown here.
   */
  const refuse = useCallback(
    (event: FormEvent<HTMLFormElement>) => {
      const field = event.target;
      if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement)) return;
      // The reason below the form says it: the browser's bubble over it said it a second time, in other words.
      // Without the bubble the browser does not move focus either, so focus goes to the first refused field here.
      event.preventDefault();
      if (field.form?.querySelector(':invalid') !== field) return;
      refuseField(field, field.dataset.argument, field.validationMessage);
    },
    [refuseField],
  );

  /**
   * The page's own check of a value refused it (a cursor past the stream's newest ID, which the server would refuse
   * after a question asked for nothing): said as the browser's checks say theirs, beside the field giving `argument`.
   */
  const refuseValue = useCallback(
    (argument: ArgumentOf<T>, reason: string) =>
      refuseField(fieldElements.current.get(argument) ?? null, argument, reason),
    [refuseField],
  );

  const clear = useCallback(() => {
    latest.current = null;
    setState(NOTHING_SENT);
  }, []);

  const edited = useCallback((argument: string) => setState((current) => withEdited(current, argument)), []);
  /** What the field giving `argument` needs to be marked while the error is about its value. */
  const field = (argument: ArgumentOf<T>): FieldValidity =>
    fieldValidity(state, argument, errorId, edited, refOf(argument));

  return { ...state, errorId, run, refuse, refuseValue, clear, field };
}

/**
 * Focus to the first field a server's refusal names, as the browser's own checks move it, while focus is still in
 * that field's form: "After ID: has a part over …" was said with focus left in Group name, where the user typed
 * next. Focus elsewhere (the user has moved on) stays where it is.
 */
function focusRefusedField(fields: readonly (HTMLElement | undefined)[]): void {
  const field = fields.find((element) => element?.isConnected);
  const form = field?.closest('form');
  if (field === undefined || form == null) return;
  if (form.contains(document.activeElement) && document.activeElement !== field) field.focus();
}
