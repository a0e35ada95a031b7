import type { ArgumentIssue } from '@streamscope/protocol';

/**
 * What a form says when the browser refused to send it (its own checks: a number below `min`, above `max`, off
 * its `step`): the field by its label, then the browser's reason, in its own words and language.
 *
 * @example
 * formRefusal('Number of events', 'Value must be greater than or equal to 1.');
 * // 'Number of events: Value must be greater than or equal to 1.'
 */
export function formRefusal(label: string | null | undefined, reason: string): string {
  const field = label?.trim() ?? '';
  const why = reason.trim() === '' ? 'not a value this field takes' : reason.trim();
  return field === '' ? why : `${field}: ${why}`;
}

/**
 * What a form says when the command's schema refused a value: each wrong argument named as the browser's own
 * checks name a field, by the label of the field that gave it (`labelOf`; `null` for an argument no field of the
 * form gives, which keeps its name). "id: must be a stream ID" under a field labelled "Entry ID" named something the
 * page shows nowhere.
 *
 * @example
 * issuesRefusal([{ argument: 'count', text: 'count must be at least 1' }], () => 'Limit');
 * // 'Limit: must be at least 1'
 */
export function issuesRefusal(
  issues: readonly ArgumentIssue[],
  labelOf: (argument: string) => string | null,
): string {
  return issues
    .map(({ argument, text }) => {
      const label = argument === null ? null : labelOf(argument);
      if (label === null || argument === null) return text;
      // The schema's words lead with the argument's name, then a colon ("start: must be") or not ("count must be").
      const named = text.startsWith(`${argument}:`) || text.startsWith(`${argument} `);
      return named ? formRefusal(label, text.slice(argument.length + 1)) : text;
    })
    .join('; ');
}

/**
 * A form field's label as the page shows it: without its screen-reader-only part (which group a group's field is
 * of), which the reason under that group's form need not say again.
 */
export function fieldLabel(field: HTMLInputElement | HTMLSelectElement): string | null {
  const label = field.labels?.[0];
  if (label === undefined) return null;
  const shown = label.cloneNode(true) as HTMLLabelElement;
  for (const hidden of shown.querySelectorAll('.sr-only')) hidden.remove();
  return shown.textContent?.trim() || null;
}
