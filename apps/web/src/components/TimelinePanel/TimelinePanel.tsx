import type {
  EntryLetterView,
  EntryPlaceView,
  LifecycleEventView,
  PendingRowView,
} from '@streamscope/protocol';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatClockMs, formatCount, formatDuration } from '../../lib/format';
import { describeEvent, describeEventNamingEntry, KIND_TONE } from '../../lib/lifecycle';
import { useDashboard } from '../../store/store';
import { EntryId } from '../EntryId/EntryId';
import { entryPresence } from './entry-presence';
import { FieldValue } from './FieldValue';
import { closeEntryTimeline, FOCUSABLE, refreshEntryPlaces } from './open-timeline';
import { nowByGroup, pendingByGroup, timelineLanes } from './timeline-groups';
import { usePlacesFollowing } from './use-places-following';
import { WhereNow } from './WhereNow';
import './TimelinePanel.css';

/**
 * One entry's journey: its fields, then per group every delivery, drop, claim and ack in time order. It is a
 * non-modal side panel so the dashboard stays usable with the mouse while it is open (another ID opens its
 * timeline here); Escape, from anywhere on the page, or "Close timeline" shuts it. Tab goes round the panel's own
 * controls: tabbing out of it, focus landed on the page's controls behind it, out of sight.
 */
export function TimelinePanel() {
  const timeline = useDashboard((state) => state.timeline);
  const titleId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  const openId = timeline?.id ?? null;
  // Where it sits now, from the snapshots (another process's workers included): a render per snapshot only while
  // one lists it pending (shallow-equal empty lists otherwise).
  const pendingRows = useDashboard(
    useShallow((state) =>
      openId === null
        ? NO_ROWS
        : (state.snapshot?.pending.rows ?? NO_ROWS).filter((row) => row.id === openId),
    ),
  );
  const claimMinIdleMs = useDashboard((state) => state.snapshot?.claimMinIdleMs ?? 0);
  const streamEnds = useDashboard(
    useShallow((state) => ({
      firstEntryId: state.snapshot?.stream.firstEntryId ?? null,
      lastGeneratedId: state.snapshot?.stream.lastGeneratedId ?? null,
    })),
  );
  const standing = timeline?.standing ?? null;
  const places = standing?.places ?? NO_PLACES;
  const groupsNow = useMemo(
    () => nowByGroup(places, pendingByGroup(pendingRows, openId)),
    [places, pendingRows, openId],
  );
  const letters = standing?.letters ?? NO_LETTERS;
  const written = timeline?.events.some((event) => event.kind === 'produced') ?? false;
  const lanes = useMemo(
    () =>
      timelineLanes(timeline?.events ?? [], [...groupsNow.keys(), ...letters.map((letter) => letter.group)]),
    [timeline?.events, groupsNow, letters],
  );

  // The stream's groups as the snapshots list them: one deleted while the panel is open is looked for again.
  const listedGroups = useDashboard(
    useShallow((state) => state.snapshot?.groups.map((group) => group.name) ?? NO_NAMES),
  );
  usePlacesFollowing(timeline, pendingRows, listedGroups.join('\n'));

  useEffect(() => {
    if (openId !== null) closeRef.current?.focus();
  }, [openId]);
  // Escape from the page too (focus on a control beside the panel, after a click there), unless a field or a
  // dialog of its own takes Escape first.
  useEffect(() => {
    if (openId === null) return;
    const onPageKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) closeEntryTimeline();
    };
    document.addEventListener('keydown', onPageKey);
    return () => document.removeEventListener('keydown', onPageKey);
  }, [openId]);

  if (timeline === null) return null;

  const producedAt =
    timeline.events.find((event) => event.kind === 'produced')?.ts ??
    timeline.entry?.idMs ??
    timeline.events[0]?.ts ??
    null;
  const noSteps = timeline.status === 'ready' && timeline.events.length === 0;
  // Neither the entry nor its steps: one sentence says both, where two contradicted each other ("the steps
  // recorded for it are below", then "no lifecycle steps recorded").
  const forgotten = noSteps && timeline.entry === null && timeline.missing;
  // Not found only once the history said so: while it loads, nothing is said of the entry's absence.
  const presence = entryPresence(timeline.id, !timeline.missing, streamEnds);
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'Escape') {
      // Handled: the page's listener leaves it be.
      event.preventDefault();
      closeEntryTimeline();
    } else if (event.key === 'Tab') {
      cycleFocus(event);
    }
  };

  return (
    <dialog open className="timeline-panel" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      {/* A div: a <header> outside <main> is a banner landmark, and the page has one, its own header. */}
      <div className="timeline-header">
        <h2 id={titleId}>
          Timeline of <span className="mono">{timeline.id}</span>
        </h2>
        <button
          ref={closeRef}
          type="button"
          className="small"
          aria-label="Close timeline"
          onClick={closeEntryTimeline}
        >
          ✕
        </button>
      </div>

      <div className="timeline-body">
        {timeline.status === 'loading' ? <p className="muted">Loading history…</p> : null}
        {timeline.status === 'error' ? (
          <p className="action-feedback action-error" role="alert">
            {timeline.error}
          </p>
        ) : null}

        {timeline.deletedByReset ? (
          <p className="timeline-missing">
            The stream was reset while this was open, or made anew (another client deleted it, or Redis
            restarted without its data): the entry and the steps recorded for it were deleted with it.
          </p>
        ) : timeline.entry === null ? (
          presence === 'not-written' ? (
            <p className="timeline-missing">
              No entry has this ID yet: it is past the newest ID the stream has generated,{' '}
              <span className="mono">{streamEnds.lastGeneratedId}</span>.
            </p>
          ) : presence === 'deleted-or-never-written' ? (
            <p className="timeline-missing">
              {/* Steps recorded of it say it was written; without them it may never have been. */}
              {forgotten
                ? 'No entry with this ID is in the stream: deleted (XDEL), or never written.'
                : 'This entry is no longer in the stream: deleted (XDEL).'}{' '}
              Not trimmed: it is after the stream's first entry,{' '}
              <span className="mono">{streamEnds.firstEntryId}</span>, and trimming takes the oldest entries
              only.
              {forgotten ? ' The server remembers no steps of it.' : ' The steps recorded for it are below.'}
            </p>
          ) : timeline.missing ? (
            <p className="timeline-missing">
              {forgotten
                ? 'No entry with this ID is in the stream: trimmed or deleted, or never written. The server remembers no steps of it: it keeps those of its recent entries only.'
                : 'This entry is no longer in the stream (trimmed or deleted); the steps recorded for it are below.'}
            </p>
          ) : null
        ) : (
          <section className="timeline-section">
            <h3 className="section-title">Fields</h3>
            <dl className="timeline-fields">
              {Object.entries(timeline.entry.fields).map(([name, value]) => (
                <div key={name}>
                  <dt className="mono">{name}</dt>
                  <dd className="mono">
                    <FieldValue name={name} value={value} />
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        )}

        {lanes.map((lane) =>
          lane.group === null && lane.events.length === 0 ? null : (
            // Unnamed sections on purpose: named ones would be regions whose names clash with the group panels'.
            <section key={lane.group ?? '(stream)'} className="timeline-section">
              <h3 className="section-title">
                {lane.group === null ? 'Stream' : <span className="mono">{lane.group}</span>}
              </h3>
              <ol className="timeline-steps">
                {lane.events.map((event) => (
                  <li
                    key={`${event.kind}|${event.consumer ?? ''}|${event.deliveryCount ?? ''}|${event.ts}`}
                    className={`timeline-step is-${event.kind}`}
                  >
                    <span className="timeline-dot" aria-hidden="true" />
                    <span className={`badge ${KIND_TONE[event.kind]}`}>{event.kind}</span>
                    <span className="timeline-text">
                      <StepText event={event} />
                    </span>
                    <span className="timeline-time mono" title={formatClockMs(event.ts)}>
                      {producedAt === null || event.kind === 'produced'
                        ? formatClockMs(event.ts)
                        : `+${formatDuration(event.ts - producedAt)}`}
                    </span>
                  </li>
                ))}
              </ol>
              {lane.group === null || timeline.deletedByReset ? null : (
                // Keyed by the entry: a claim's answer belongs to the entry it was of, not to the next one opened.
                <WhereNow
                  key={timeline.id}
                  id={timeline.id}
                  group={lane.group}
                  now={groupsNow.get(lane.group)}
                  letters={letters.filter((letter) => letter.group === lane.group)}
                  entry={presence}
                  claimMinIdleMs={claimMinIdleMs}
                  ackedBy={ackedLast(lane.events)}
                  written={written}
                  deliveredHere={lane.events.some(
                    (event) => event.kind === 'delivered' || event.kind === 'claimed',
                  )}
                  // Redis looked in every group and this one was not there, nor does the latest snapshot list
                  // it: deleted since these steps. (A group made after that look has steps before the next.)
                  groupGone={
                    standing !== null &&
                    standing.groupsOmitted === 0 &&
                    !standing.places.some((place) => place.group === lane.group) &&
                    !listedGroups.includes(lane.group)
                  }
                />
              )}
            </section>
          ),
        )}

        {noSteps && !forgotten && !timeline.deletedByReset ? (
          <p className="empty">No lifecycle steps recorded for this entry.</p>
        ) : null}
        {timeline.deletedByReset ? null : (
          <>
            {standing === null ? null : (
              <p className="timeline-live">
                Where it stands in each group was read from Redis at {formatClockMs(standing.readAt)}
                {standing.groupsOmitted > 0
                  ? `; ${formatCount(standing.groupsOmitted)} more groups were not looked in`
                  : ''}
                {standing.lettersComplete
                  ? ''
                  : '; the dead letters were searched only in part (a bound on how many one look reads)'}
                .{' '}
                <button type="button" className="small" onClick={refreshEntryPlaces}>
                  Read again
                </button>
              </p>
            )}
            <p className="timeline-live">New steps appear here live while the panel is open.</p>
          </>
        )}
      </div>
    </dialog>
  );
}

const NO_NAMES: readonly string[] = [];
const NO_ROWS: readonly PendingRowView[] = [];
const NO_PLACES: readonly EntryPlaceView[] = [];
const NO_LETTERS: readonly EntryLetterView[] = [];

/**
 * Tab from the panel's last control goes to its first, and Shift+Tab from its first to its last. Not a modal
 * dialog (no `aria-modal`, no `showModal`): the page beside it stays live and clickable, and Escape, from the
 * panel or the page, is the keyboard's way out, focus going back to the ID that opened it.
 */
function cycleFocus(event: KeyboardEvent<HTMLDialogElement>): void {
  const controls = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = controls[0];
  const last = controls.at(-1);
  if (first === undefined || last === undefined) return;
  const edge = event.shiftKey ? first : last;
  if (document.activeElement !== edge) return;
  event.preventDefault();
  (event.shiftKey ? last : first).focus();
}

/** A step in words; a requeue's copy or original as a link to its own timeline. */
function StepText({ event }: { event: LifecycleEventView }) {
  const naming = describeEventNamingEntry(event);
  if (naming === null) return describeEvent(event);
  return (
    <>
      {naming.text} <EntryId id={naming.id} />
    </>
  );
}

/** The lane's last step when it is an ack (a duplicate's included): who acked it, and whether as a duplicate. */
function ackedLast(
  events: readonly LifecycleEventView[],
): { consumer: string | null; duplicate: boolean } | null {
  const last = events.at(-1);
  if (last === undefined || (last.kind !== 'acked' && last.kind !== 'duplicate')) return null;
  return { consumer: last.consumer, duplicate: last.kind === 'duplicate' };
}
