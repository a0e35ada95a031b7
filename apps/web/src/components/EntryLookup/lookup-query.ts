/** What the Find entry field was given: a stream ID, or a field's value to search the stream for. */
export type LookupQuery =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'field'; readonly field: string; readonly value: string };

/**
 * `order_id=o-1234` searches field `order_id` for `o-1234` (split at the first `=`, each side trimmed); anything
 * else is taken as a stream ID, for the server to refuse, saying why, when it is none.
 */
export function lookupQuery(text: string): LookupQuery {
  const at = text.indexOf('=');
  if (at === -1) return { kind: 'id', id: text.trim() };
  return { kind: 'field', field: text.slice(0, at).trim(), value: text.slice(at + 1).trim() };
}
