import { POISON_EVENT_TYPE } from '@streamscope/protocol';
import './EventType.css';

/** Past this many characters a type is likely cut at the column's width: its title then gives it whole. */
const TITLE_FROM_CHARS = 24;

/** An entry's type as the tables show it: one line, the poison pill in red, a long one whole in its title. */
export function EventType({ type }: { type: string }) {
  return (
    <span
      className={type === POISON_EVENT_TYPE ? 'event-type is-poison' : 'event-type'}
      title={type.length > TITLE_FROM_CHARS ? type : undefined}
    >
      {type}
    </span>
  );
}
