import type { CommandResults } from '@streamscope/protocol';

/**
 * What a consumer's Remove came to, for the note its group shows once the consumer's card is gone: the removal, or
 * the consumer found gone already (removed from another page, or by its own process) by its Remove or another of
 * its levers, which the card, leaving with it, could not say.
 */
export type RemovalOutcome =
  | CommandResults['consumer.remove']
  | {
      readonly name: string;
      readonly goneAlready: string;
      /** The lever that found it gone, when not Remove: "Pause", "Resume", "Crash next 3". */
      readonly lever?: string;
    }
  /** Removed by another page or a script while focus was on its card, which left with focus. */
  | { readonly name: string; readonly removedWhileFocused: true };
