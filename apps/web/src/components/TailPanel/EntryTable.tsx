import type { EntryView } from '@streamscope/protocol';
import { memo } from 'react';
import { formatClockMs } from '../../lib/format';
import { EntryId } from '../EntryId/EntryId';
import { EventType } from '../EventType/EventType';
import { entryPayload, entryType } from './entry-summary';
import './EntryTable.css';

// An entry never changes once written, so a row with the same ID never needs to render again.
const EntryRow = memo(
  function EntryRow({ entry }: { entry: EntryView }) {
    const payload = entryPayload(entry);
    return (
      <tr>
        <td>
          <EntryId id={entry.id} />
        </td>
        <td>
          <EventType type={entryType(entry)} />
        </td>
        <td className="mono muted">{formatClockMs(entry.idMs)}</td>
        <td className="mono payload" title={payload}>
          {payload}
        </td>
      </tr>
    );
  },
  (before, after) => before.entry.id === after.entry.id,
);

interface EntryTableProps {
  entries: readonly EntryView[];
  caption: string;
  emptyText: string;
}

/** Stream entries with clickable IDs: the tail, the live tail, and replay results. */
export function EntryTable({ entries, caption, emptyText }: EntryTableProps) {
  if (entries.length === 0) return <p className="empty">{emptyText}</p>;
  return (
    <div className="table-wrap entry-table">
      <table className="data-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Type</th>
            <th scope="col">Time</th>
            <th scope="col">Payload</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <EntryRow key={entry.id} entry={entry} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
