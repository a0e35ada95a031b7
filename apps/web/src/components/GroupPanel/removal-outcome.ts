import type { CommandResults } from '@streamscope/protocol';

/**
 * What a consumer's Remove came to, for the note its group shows once the consumer's card is gone: the removal, or
 * the consumer found gone already (removed from another page, or by its own process), which the card, leaving
 * with it, could not say.
 */
export type RemovalOutcome =
  | CommandResults['consumer.remove']
  | { readonly name: string; readonly goneAlready: string };
