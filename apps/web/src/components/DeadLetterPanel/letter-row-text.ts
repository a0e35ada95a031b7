import type { DeadLetterView } from '@streamscope/protocol';
import { letterPayload } from './letter-payload';
import { isTrimmedAway } from './trimmed-away';

export interface LetterRowText {
  /** The payload's one line: short enough for the row. */
  payload: string;
  /** The payload's tooltip: the rest of it and what the server cut, or why there is none. */
  payloadTitle: string;
  /** The Requeue button's tooltip: what a requeue does, or why there is nothing to requeue. */
  requeueTitle: string;
}

/**
 * What a dead letter's row says beside its IDs: the payload line and the tooltips that tell the rest. A letter
 * trimmed away says so in both, unless the server cut something of it, which its payload line then names.
 */
export function letterRowText(letter: Pick<DeadLetterView, 'fields' | 'cut'>): LetterRowText {
  const trimmedAway = isTrimmedAway(letter);
  const payload = letterPayload(letter);
  return {
    payload,
    payloadTitle:
      trimmedAway && !letter.cut ? 'Its entry was trimmed while pending, before it was handled' : payload,
    requeueTitle: trimmedAway
      ? 'Its entry was trimmed while pending, before it was handled: no fields to requeue'
      : 'Appends it to the stream again: every group receives it, and a group that had processed the original acks it as a duplicate',
  };
}
