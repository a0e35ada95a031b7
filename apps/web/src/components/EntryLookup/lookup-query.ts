import { entryIdSchema } from '@streamscope/protocol';

/** An example of a search, for the reasons that say how to write one. */
const SEARCH_EXAMPLE = 'order_id=o-1234';

/**
 * What the Find entry field was given: a stream ID, a field's value to search the stream for, or neither, refused
 * before anything is sent, with the reason and the command argument it is about.
 */
export type LookupQuery =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'field'; readonly field: string; readonly value: string }
  | { readonly kind: 'refused'; readonly argument: 'id' | 'field' | 'value'; readonly reason: string };

/**
 * `order_id=o-1234` searches field `order_id` for `o-1234` (split at the first `=`, each side trimmed); anything
 * else is taken as a stream ID. Text that is not an ID is refused with a word that the field searches too: a person
 * who typed a business key without `field=` learnt only that it was no ID. A search with nothing before or after the
 * `=` is refused too: `order_id=` was sent and answered "No entry with order_id = ", a value no one had typed.
 */
export function lookupQuery(text: string): LookupQuery {
  const at = text.indexOf('=');
  if (at === -1) {
    const parsed = entryIdSchema.safeParse(text.trim());
    if (parsed.success) return { kind: 'id', id: parsed.data };
    const [issue] = parsed.error.issues;
    // Not shaped like an ID at all: perhaps a value meant to be searched for. (An ID too big to be one is not.)
    const hint =
      issue?.code === 'invalid_format' ? `, or field=value to search the entries (${SEARCH_EXAMPLE})` : '';
    return { kind: 'refused', argument: 'id', reason: `${issue?.message ?? 'not a stream ID'}${hint}` };
  }
  const field = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  if (field === '')
    return {
      kind: 'refused',
      argument: 'field',
      reason: `no field before the = to search: write it as ${SEARCH_EXAMPLE}`,
    };
  if (value === '')
    return {
      kind: 'refused',
      argument: 'value',
      reason: `no value after ${field}= to search for: write it as ${SEARCH_EXAMPLE}`,
    };
  return { kind: 'field', field, value };
}
