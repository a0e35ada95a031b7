import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { ActionFeedback } from '../components/ActionFeedback/ActionFeedback';
import { NumberField } from '../components/NumberField/NumberField';
import { TextField } from '../components/TextField/TextField';
import { fieldValidity, oneFieldFor, type Refusal, validityProps, withEdited } from './field-validity';

const ERROR_ID = 'replay-error';

/** A Replay form as `useCommand` keeps it: the refusal, which its fields' edits change as the hook does. */
function replayForm(refusal: Refusal) {
  const form = { refusal };
  const edited = (argument: string) => {
    form.refusal = withEdited(form.refusal, argument);
  };
  const field = (argument: string) => fieldValidity(form.refusal, argument, ERROR_ID, edited);
  const markup = () =>
    renderToStaticMarkup(
      createElement(
        'form',
        null,
        createElement(TextField, {
          label: 'Start',
          value: 'yesterday',
          onChange: () => {},
          validity: field('start'),
        }),
        createElement(TextField, { label: 'End', value: '+', onChange: () => {}, validity: field('end') }),
        createElement(NumberField, {
          label: 'Limit',
          value: '501',
          onChange: () => {},
          validity: field('count'),
        }),
        createElement(ActionFeedback, { error: form.refusal.error, errorId: ERROR_ID }),
      ),
    );
  return { form, field, markup };
}

/** The attributes of the input giving `argument`, as rendered. */
function attributesOf(markup: string, argument: string): Record<string, string> {
  const input = [...markup.matchAll(/<input [^>]*>/g)]
    .map(([tag]) => tag)
    .find((tag) => tag.includes(`data-argument="${argument}"`));
  expect(input, `an input giving ${argument}`).toBeDefined();
  return Object.fromEntries(
    [...(input ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map(([, name, value]) => [name, value]),
  );
}

describe('field validity', () => {
  it('marks the field the browser refused and points it at the reason, until that field is edited', () => {
    // What `refuse` keeps of the browser refusing the Limit field.
    const replay = replayForm({
      error: 'Limit: Value must be less than or equal to 500.',
      invalid: ['count'],
    });
    const refused = replay.markup();
    expect(attributesOf(refused, 'count')).toMatchObject({
      'aria-invalid': 'true',
      'aria-describedby': ERROR_ID,
    });
    expect(refused).toContain(
      `<span id="${ERROR_ID}">Limit: Value must be less than or equal to 500.</span>`,
    );
    for (const other of ['start', 'end']) {
      expect(attributesOf(refused, other)).not.toHaveProperty('aria-invalid');
      expect(attributesOf(refused, other)).not.toHaveProperty('aria-describedby');
    }

    // Editing another field leaves the mark; editing this one takes it off, and the reason stays said.
    replay.field('start').onEdit();
    expect(attributesOf(replay.markup(), 'count')).toHaveProperty('aria-invalid', 'true');
    replay.field('count').onEdit();
    const edited = replay.markup();
    expect(attributesOf(edited, 'count')).not.toHaveProperty('aria-invalid');
    expect(attributesOf(edited, 'count')).not.toHaveProperty('aria-describedby');
    expect(edited).toContain('Limit: Value must be less than or equal to 500.');
  });

  it("marks each field the server's refusal names, and none once an attempt succeeds", () => {
    const message =
      "start: must be '-', '+', a stream ID, or '(' and a stream ID; end: must be '-', '+', a stream ID, or '(' and a stream ID";
    const replay = replayForm({ error: message, invalid: ['start', 'end'] });
    const refused = replay.markup();
    for (const argument of ['start', 'end']) {
      expect(attributesOf(refused, argument)).toMatchObject({
        'aria-invalid': 'true',
        'aria-describedby': ERROR_ID,
      });
    }
    expect(attributesOf(refused, 'count')).not.toHaveProperty('aria-invalid');

    // A run that succeeds keeps no error and no argument it is about.
    replay.form.refusal = { error: null, invalid: [] };
    const answered = replay.markup();
    for (const argument of ['start', 'end', 'count']) {
      expect(attributesOf(answered, argument)).not.toHaveProperty('aria-invalid');
      expect(attributesOf(answered, argument)).not.toHaveProperty('aria-describedby');
    }
    expect(answered).not.toContain(`id="${ERROR_ID}"`);
  });

  it('marks nothing once the error is gone by other means (the socket back, the stream reset)', () => {
    expect(
      fieldValidity({ error: null, invalid: ['start'] }, 'start', ERROR_ID, () => {}).errorId,
    ).toBeNull();
  });

  it("tells the field's validity of an edit before its own onChange of the text", () => {
    const calls: string[] = [];
    const validity = { argument: 'start', errorId: ERROR_ID, onEdit: () => calls.push('edited') };
    validityProps(validity, (text) => calls.push(`changed to ${text}`)).onChange({
      target: { value: '0-1' },
    });
    expect(calls).toEqual(['edited', 'changed to 0-1']);
    // The input's element goes to its form's command, which names the field by its label in a refusal.
    const ref = vi.fn();
    expect(validityProps({ ...validity, ref }, () => {}).ref).toBe(ref);
    // A field without validity is a plain input.
    const onChange = vi.fn();
    const plain = validityProps(undefined, onChange);
    expect(plain).toMatchObject({
      'data-argument': undefined,
      'aria-invalid': undefined,
      'aria-describedby': undefined,
    });
    plain.onChange({ target: { value: 'x' } });
    expect(onChange).toHaveBeenCalledWith('x');
  });
});

describe('oneFieldFor', () => {
  it('marks one input giving several arguments for whichever the refusal is about, and tells each of it', () => {
    const edits: string[] = [];
    const refusal: Refusal = { error: 'field: must not be empty', invalid: ['field'] };
    const validity = (argument: string, ref: (element: HTMLInputElement | null) => void) =>
      fieldValidity(refusal, argument, ERROR_ID, (edited) => edits.push(edited), ref);
    const refs = { field: vi.fn(), value: vi.fn() };
    const both = oneFieldFor(validity('field', refs.field), validity('value', refs.value));
    expect(both).toMatchObject({ argument: 'field', errorId: ERROR_ID });
    both.onEdit();
    expect(edits).toEqual(['field', 'value']);
    both.ref?.(null);
    expect(refs.field).toHaveBeenCalledWith(null);
    expect(refs.value).toHaveBeenCalledWith(null);
    const neither = oneFieldFor(
      fieldValidity({ error: null, invalid: [] }, 'field', ERROR_ID, () => {}),
      fieldValidity({ error: null, invalid: [] }, 'value', ERROR_ID, () => {}),
    );
    expect(neither).toMatchObject({ argument: 'field', errorId: null });
  });
});
