import { useState } from 'react';
import { formatCount } from '../../lib/format';

/**
 * Characters of a field shown before "Show all": another client's entry may hold megabytes in one field, and
 * drawn whole it made the timeline about 800,000 px tall before anything else of it could be read.
 */
export const FIELD_CHARS_SHOWN = 2_000;

/** One field's value in the timeline: its start when long, the rest on request. */
export function FieldValue({ name, value }: { name: string; value: string }) {
  const [whole, setWhole] = useState(false);
  if (whole || value.length <= FIELD_CHARS_SHOWN) return <>{value}</>;
  return (
    <>
      {value.slice(0, FIELD_CHARS_SHOWN)}…{' '}
      <button
        type="button"
        className="small"
        aria-label={`Show all of ${name}, ${formatCount(value.length)} characters`}
        onClick={() => setWhole(true)}
      >
        Show all {formatCount(value.length)} characters
      </button>
    </>
  );
}
