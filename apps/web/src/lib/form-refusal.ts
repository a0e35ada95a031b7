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
