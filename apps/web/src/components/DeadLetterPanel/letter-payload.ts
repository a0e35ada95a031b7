import type { DeadLetterView } from '@streamscope/protocol';
import { cutNote, payloadText } from '../TailPanel/entry-summary';
import { isTrimmedAway } from './trimmed-away';

/**
 * The payload line of a dead letter: its fields as an entry's, and what the server left out of it (its fields, and
 * its original ID, group, consumer or reason, each cut at 1,000 characters). Requeue reads the letter whole in
 * Redis, so that is where its fields are seen whole again; a replay of the stream does not hold the letter.
 * @example letterPayload({ fields: { body: 'AAA…' }, cut: { fields: 0, values: 1 } })
 * // 'body=AAA…  [shortened: 1 value cut at 1,000 characters; Requeue writes its fields back whole]'
 */
export function letterPayload(letter: Pick<DeadLetterView, 'fields' | 'cut'>): string {
  if (isTrimmedAway(letter))
    return letter.cut ? `fields trimmed away  ${cutNote(letter.cut)}` : 'fields trimmed away';
  return payloadText(letter.fields, letter.cut, { whole: 'Requeue writes its fields back whole' });
}
