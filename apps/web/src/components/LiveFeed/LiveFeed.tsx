import { LIMITS } from '@streamscope/protocol';
import { memo, useId, useState } from 'react';
import { useFreezableNewestFirst } from '../../hooks/use-freeze';
import { useLiveListsSince } from '../../hooks/use-stream-reset';
import { useDashboardWhileVisible } from '../../hooks/use-while-visible';
import { formatClockMs, formatCount } from '../../lib/format';
import { KIND_TONE } from '../../lib/lifecycle';
import type { FeedItem } from '../../store/store';
import { EntryId } from '../EntryId/EntryId';
import { Panel } from '../Panel/Panel';
import './LiveFeed.css';

/**
 * Rows on the page: the list shows about 18 at a time, and at thousands of events a second every row is new at
 * every tick, so each one more is a row built four times a second. The store keeps more, for the timeline.
 */
const FEED_SHOWN = 40;

// Feed items never change once received: the sequence number alone says whether a row must render.
const FeedRow = memo(
  function FeedRow({ item }: { item: FeedItem }) {
    const { event } = item;
    return (
      <li className="feed-row">
        <span className="feed-time mono">{formatClockMs(event.ts)}</span>
        <span className={`badge ${KIND_TONE[event.kind]}`}>{event.kind}</span>
        <EntryId id={event.id} />
        <span className="feed-where mono">
          {/* The name is what gives way in a narrow column, never the attempt after it. */}
          {event.group === null ? null : (
            <span className="feed-consumer" title={`${event.group}/${event.consumer ?? '?'}`}>
              {event.group}/{event.consumer ?? '?'}
            </span>
          )}
          {event.deliveryCount !== null && event.deliveryCount > 1 ? (
            <span className="feed-attempt">×{event.deliveryCount}</span>
          ) : null}
        </span>
      </li>
    );
  },
  (before, after) => before.item.seq === after.item.seq,
);

/** Which events the feed shows, each from a list of its own in the store (see `feed`, `workFeed`, `troubleFeed`). */
const SHOWN = {
  all: { label: 'All events', list: 'feed' },
  work: { label: 'All but produced', list: 'workFeed' },
  trouble: { label: 'Trouble only', list: 'troubleFeed' },
} as const;
type Shown = keyof typeof SHOWN;

/**
 * The newest lifecycle events, newest first; "Freeze" holds the list still so an ID can be clicked. "All but
 * produced" leaves out what the newest-entries table shows anyway (at 3,000 a second it was all the feed held),
 * and "Trouble only" delivered and acked too: at thousands a second a failure is in view for a tenth of a second
 * among them.
 */
export function LiveFeed() {
  const showId = useId();
  const [list, setList] = useState<HTMLOListElement | null>(null);
  const [shown, setShown] = useState<Shown>('all');
  const live = useDashboardWhileVisible(list, (state) => state[SHOWN[shown].list]);
  const omitted = useDashboardWhileVisible(list, (state) => state.feedOmitted);
  const since = useLiveListsSince();
  const { newestFirst, freezeButton, holdWhileFocused, unfreeze } = useFreezableNewestFirst(
    live,
    'Freeze feed',
  );
  const actions = (
    <>
      <label className="feed-shown" htmlFor={showId}>
        Events shown
      </label>
      <select
        id={showId}
        className="feed-shown-select"
        value={shown}
        onChange={(event) => {
          setShown(event.target.value as Shown);
          unfreeze();
        }}
      >
        {Object.entries(SHOWN).map(([value, { label }]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      {freezeButton}
    </>
  );

  return (
    <Panel id="live-events" title="Live events" className="live-feed" actions={actions}>
      {omitted > 0 ? (
        <p className="feed-omitted">
          {formatCount(omitted)} events not sent to this page so far: the server sends at most{' '}
          {formatCount(LIMITS.feedPerTick)} per update, trouble first, then deliveries and acks, then
          produced. An entry's timeline has them: the server keeps the steps of the newest{' '}
          {formatCount(LIMITS.historyEntries)} entries, and of {formatCount(LIMITS.historyTroubledEntries)}{' '}
          that had trouble.
        </p>
      ) : null}
      {newestFirst.length === 0 ? (
        <p className="empty">
          {shown === 'trouble'
            ? `No trouble since ${since}: nothing dropped, failed, claimed or dead-lettered.`
            : shown === 'work'
              ? `No deliveries since ${since}.`
              : `No lifecycle events since ${since}.`}
        </p>
      ) : (
        <ol ref={setList} className="feed-list" aria-label="Newest lifecycle events" {...holdWhileFocused}>
          {newestFirst.slice(0, FEED_SHOWN).map((item) => (
            <FeedRow key={item.seq} item={item} />
          ))}
        </ol>
      )}
    </Panel>
  );
}
