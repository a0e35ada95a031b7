import { type FormEvent, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { TextField } from '../TextField/TextField';
import { showEntryTimeline } from '../TimelinePanel/open-timeline';

/**
 * Opens the timeline of any entry by its ID, pasted from a log or an alert: who holds it now in every group, and its
 * steps. A malformed ID is refused here, beside the field, and opens nothing.
 */
export function EntryLookup() {
  const [id, setId] = useState('');
  // Quiet: the timeline it opens is its answer, not news for the Last result panel.
  const lookup = useCommand<'entry.history'>({ quiet: true });
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const history = await lookup.run({ type: 'entry.history', id: id.trim() });
    if (history !== null) showEntryTimeline(history);
  };
  return (
    <form className="entry-lookup" onSubmit={onSubmit} onInvalid={lookup.refuse} aria-busy={lookup.pending}>
      <div className="form-row">
        <TextField
          label="Entry ID"
          inputClassName="id-input"
          placeholder="1716998413541-0"
          required
          value={id}
          onChange={setId}
          validity={lookup.field('id')}
        />
        <button type="submit">Find entry</button>
      </div>
      <ActionFeedback error={lookup.error} at={lookup.answeredAt} errorId={lookup.errorId} />
    </form>
  );
}
