import { type FormEvent, useCallback, useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { oneFieldFor } from '../../lib/field-validity';
import { formatCount, formatCountOf } from '../../lib/format';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { EntryId } from '../EntryId/EntryId';
import { TextField } from '../TextField/TextField';
import { showEntryTimeline } from '../TimelinePanel/open-timeline';
import { type Found, withOlderMatches } from './found-pages';
import { lookupQuery } from './lookup-query';
import './EntryLookup.css';

/**
 * Finds an entry: by its ID, pasted from a log or an alert, opening its timeline (who holds it now in every group,
 * and its steps); or by a field's value (`order_id=o-1234`), when only a business key is known, listing the entries
 * that hold it, newest first, each opening its timeline. What is refused is said here, beside the field.
 */
export function EntryLookup() {
  const [text, setText] = useState('');
  // Quiet: the timeline or the list is the answer, not news for the Last result panel.
  const lookup = useCommand<'entry.history'>({ quiet: true });
  const search = useCommand<'entry.find'>({ quiet: true });
  const [asked, setAsked] = useState<'id' | 'field'>('id');
  // Every match found so far, newest first, and the entries read for them over all the searches.
  const [found, setFound] = useState<Found | null>(null);
  // Only the search asked last lands: an older search answering after a new one began would append to it.
  const searches = useRef(0);
  // Matches in a stream a reset deleted (here or on another page) open timelines of nothing, and searching on
  // from them read the new stream below their IDs: nothing, "down to the oldest". A search under way goes too.
  useOnStreamReset(
    useCallback(() => {
      searches.current += 1;
      setFound(null);
    }, []),
  );

  // One entry, and the whole stream read: its timeline is what was looked for.
  const openIfOnlyOne = async (all: Found) => {
    const [only] = all.matches;
    if (only === undefined || all.matches.length > 1 || all.stoppedAt !== null) return;
    const history = await lookup.run({ type: 'entry.history', id: only.id });
    if (history !== null) showEntryTimeline(history);
  };
  const find = async () => {
    const query = lookupQuery(text);
    const attempt = ++searches.current;
    if (query.kind === 'refused') {
      setFound(null);
      if (query.argument === 'id') {
        setAsked('id');
        lookup.refuseValue('id', query.reason);
      } else {
        setAsked('field');
        search.refuseValue(query.argument, query.reason);
      }
      return;
    }
    setAsked(query.kind);
    if (query.kind === 'id') {
      setFound(null);
      const history = await lookup.run({ type: 'entry.history', id: query.id });
      if (history !== null) showEntryTimeline(history);
      return;
    }
    const { field, value } = query;
    const result = await search.run({ type: 'entry.find', field, value });
    if (attempt !== searches.current) return;
    setFound(result);
    if (result !== null) await openIfOnlyOne(result);
  };
  // Older entries of the search listed, whatever the field says now; their matches go after the ones found.
  const findOlder = async (listed: Found) => {
    const { field, value, stoppedAt: before } = listed;
    if (before === null) return;
    const attempt = ++searches.current;
    const result = await search.run({ type: 'entry.find', field, value, before });
    // Failed, the matches found stay, and the button to try again: the error says why under the field.
    if (result === null || attempt !== searches.current) return;
    const all = withOlderMatches(listed, result);
    setFound(all);
    await openIfOnlyOne(all);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void find();
  };
  // Left blank, it is the browser's to refuse; said under the field whichever command was asked before.
  const onInvalid = (event: FormEvent<HTMLFormElement>) => {
    setAsked('id');
    lookup.refuse(event);
  };
  const command = asked === 'id' ? lookup : search;
  // One input gives a search both its arguments: it is marked for whichever the refusal is about. It gives the
  // lookup its argument too, and is marked for the command asked last; each knows it, to name it in a refusal.
  const idField = lookup.field('id');
  const searchField = oneFieldFor(search.field('field'), search.field('value'));
  const validity = {
    ...(asked === 'id' ? idField : searchField),
    ref: oneFieldFor(idField, searchField).ref,
  };

  return (
    <form className="entry-lookup" onSubmit={onSubmit} onInvalid={onInvalid} aria-busy={command.pending}>
      <div className="form-row">
        <TextField
          label="Entry ID, or field=value"
          inputClassName="lookup-input"
          placeholder="1716998413541-0 or order_id=o-1234"
          required
          value={text}
          onChange={setText}
          validity={validity}
        />
        <button type="submit">Find entry</button>
      </div>
      <ActionFeedback error={command.error} at={command.answeredAt} errorId={command.errorId}>
        {asked === 'field' && found !== null ? <FoundSummary found={found} /> : null}
      </ActionFeedback>
      {asked === 'field' && found !== null && found.matches.length > 0 ? (
        <ul className="lookup-matches" aria-label={`Entries with ${found.field}=${found.value}`}>
          {found.matches.map((match) => (
            <li key={match.id}>
              <EntryId id={match.id} /> <span className="muted">{match.type ?? '(no type)'}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {asked === 'field' && found?.stoppedAt ? (
        <button type="button" className="small" onClick={() => void findOlder(found)}>
          Search older entries
        </button>
      ) : null}
    </form>
  );
}

/**
 * How many entries hold the value, of how many read (over every search of older entries too), and whether the
 * searches reached the stream's oldest entry.
 */
function FoundSummary({ found }: { found: Found }) {
  const { matches, read, stoppedAt } = found;
  const holding = matches.length === 0 ? 'No entry' : formatCountOf(matches.length, 'entry', 'entries');
  return (
    <>
      {holding} with <span className="mono">{found.field}</span> = <span className="mono">{found.value}</span>
      {/* The order of what was found; with nothing found, there is none to tell. */}
      {matches.length === 0 ? null : ', newest first'}, of {formatCount(read)} read
      {stoppedAt === null ? ', down to the oldest' : '; older ones not searched yet'}
    </>
  );
}
