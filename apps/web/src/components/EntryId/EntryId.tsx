import { memo } from 'react';
import { openEntryTimeline } from '../TimelinePanel/open-timeline';
import './EntryId.css';

/** A stream ID that opens that entry's delivery timeline. */
export const EntryId = memo(function EntryId({ id }: { id: string }) {
  return (
    <button
      type="button"
      className="entry-id"
      aria-haspopup="dialog"
      title={`Show the timeline of ${id}`}
      onClick={() => openEntryTimeline(id)}
    >
      {id}
    </button>
  );
});
