import type { GroupView, PendingRowView } from '@streamscope/protocol';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAnswerGoesWhenChanged } from '../../hooks/use-answer-goes-when-changed';
import { useCommand } from '../../hooks/use-command';
import { useHoldWhileFocused } from '../../hooks/use-hold-while-focused';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { useDashboardWhileVisible } from '../../hooks/use-while-visible';
import { formatCount, formatDuration, formatFirstOf } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { findConsumer } from '../GroupPanel/consumer-lookup';
import { Panel } from '../Panel/Panel';
import { type FigureColumn, FigureSortHeaders } from '../SortHeader/SortHeader';
import { effectiveTarget } from './default-target';
import { holdNote } from './hold-note';
import { PendingFilterSelect } from './PendingFilterSelect';
import { PendingRow } from './PendingRow';
import {
  filterLabel,
  filterStillOffered,
  matchesFilter,
  pendingCount,
  setPendingFilter,
  usePendingFilter,
} from './pending-filter';
import {
  DEFAULT_PENDING_SORT,
  nextPendingSort,
  type PendingColumn,
  type PendingSort,
  sortPending,
} from './pending-order';
import { ShortRetentionNote } from './ShortRetentionNote';
import { targetGroupNote } from './target-group-note';
import {
  consumerOfValue,
  optionsFromKeys,
  pickStillOffered,
  rowClaimTarget,
  targetLabel,
  targetOptionKeys,
} from './target-options';
import { useClaimByHand } from './use-claim-by-hand';
import { useDeadLetterByHand } from './use-dead-letter-by-hand';
import { useRowsDoneHere } from './use-rows-done-here';
import './PendingPanel.css';

const SORTABLE: readonly FigureColumn<PendingColumn>[] = [
  { column: 'idle', label: 'Idle', hint: 'Since it was last delivered or claimed' },
  {
    column: 'deliveries',
    label: 'Deliveries',
    hint: 'Times it was delivered: most first, the ones headed for the dead letters',
  },
];

/**
 * Rows on the page, the longest idle (or most delivered) first: the box shows about 11 at a time, and under load
 * nearly every row is a new entry at every tick, so 200 rebuilt about 2,000 layout objects four times a second (a
 * third of the page's work per tick at 5,000 events/s). Show narrows to a group or consumer to see others. The
 * server caps rows per group too and says how many it left out.
 */
const ROWS_SHOWN = 50;
const NO_ROWS: readonly PendingRowView[] = [];
const NO_GROUPS: readonly GroupView[] = [];

/** XPENDING across groups, and XAUTOCLAIM of the idle ones into a chosen consumer. */
export function PendingPanel() {
  const targetId = useId();
  const wrongGroupId = useId();
  // Up to ROWS_SHOWN rows, most of them new entries at every snapshot under load: while the table is out of view
  // it keeps what it showed last instead of rebuilding them, and catches up when scrolled back.
  const [table, setTable] = useState<HTMLDivElement | null>(null);
  const { rows, at, omitted, claimMinIdleMs, groups } = useDashboardWhileVisible(
    table,
    useShallow((state) => ({
      rows: state.snapshot?.pending.rows ?? NO_ROWS,
      at: state.snapshot?.at ?? null,
      omitted: state.snapshot?.pending.omitted ?? 0,
      claimMinIdleMs: state.snapshot?.claimMinIdleMs ?? state.hello?.claimMinIdleMs ?? 0,
      groups: state.snapshot?.groups ?? NO_GROUPS,
    })),
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const autoclaim = useCommand<'autoclaim'>();
  const { markDone, withoutDone } = useRowsDoneHere();
  const parking = useDeadLetterByHand(markDone);
  const claiming = useClaimByHand(markDone);
  // Another application's groups: their entries are that application's to claim and park, as their consumers are.
  const foreignGroups = useMemo(
    () => new Set(groups.filter((group) => !group.createdByStreamscope).map((group) => group.name)),
    [groups],
  );
  // From the store as it is, not as the table last showed it: scrolled away, a pick kept its consumer's removal
  // unseen, and came back by itself once one of that name was added before the user scrolled back.
  const optionKeys = useDashboard(
    useShallow((state) => targetOptionKeys(state.snapshot?.groups ?? NO_GROUPS)),
  );
  const options = useMemo(() => optionsFromKeys(optionKeys), [optionKeys]);
  // Forget a pick whose consumer was removed (React's reset-state-during-render: no extra paint in between), and
  // say so: the select moved to another consumer by itself, and the next claim went there unnoticed.
  const [lostPick, setLostPick] = useState<string | null>(null);
  if (pickStillOffered(options, chosen) !== chosen) {
    setLostPick(chosen);
    setChosen(null);
  }
  // One of that name added again: "is no longer here" would be false of it, and could name it as the new target.
  if (lostPick !== null && pickStillOffered(options, lostPick) === lostPick) setLostPick(null);
  const pick = (value: string | null) => {
    setChosen(value);
    setLostPick(null);
  };
  // A reset re-seeds consumers of the same names: a pick made before it named one that is gone, and kept, it
  // stood in for the default (a healthy peer of where entries are stuck) on a page otherwise back to its start.
  useOnStreamReset(
    useCallback(() => {
      setChosen(null);
      setLostPick(null);
    }, []),
  );
  const chosenFilter = usePendingFilter((state) => state.filter);
  // Its group deleted or its consumer removed, the filter goes: it listed nothing under a select without it.
  const filter = filterStillOffered(groups, chosenFilter);
  const filterGone = filter !== chosenFilter && groups.length > 0;
  useEffect(() => {
    if (filterGone) setPendingFilter(null);
  }, [filterGone]);
  const filtered = useMemo(() => rows.filter((row) => matchesFilter(row, filter)), [rows, filter]);
  const claimable = useMemo(
    () => filtered.filter((row) => row.idleMs >= claimMinIdleMs).length,
    [filtered, claimMinIdleMs],
  );
  const totalPending = pendingCount(groups, filter);
  const [sort, setSort] = useState<PendingSort>(DEFAULT_PENDING_SORT);
  const onSort = (column: PendingColumn) => setSort((current) => nextPendingSort(current, column));
  const shown = useMemo(() => sortPending(filtered, sort).slice(0, ROWS_SHOWN), [filtered, sort]);
  // At thousands a second most rows are acked within a tick: the table holds still while focus is in it, or the
  // pointer rests on it (the row under a cursor reaching for an ID changed at every snapshot). Held with the time
  // of their snapshot, which the line over the table gives.
  const live = useMemo(() => ({ rows: shown, at }), [shown, at]);
  const { value: listed, holdWhileFocused, held } = useHoldWhileFocused(live, { whilePointedAt: true });
  const visible = withoutDone(listed.rows, rows);
  // The default shown last (not a pick): the default keeps to it while it serves (see `defaultTarget`).
  const shownDefault = useRef<string | null>(null);
  const target = effectiveTarget(options, chosen, {
    // The rows the Show filter lists, not only the first ROWS_SHOWN: the claimable count above counts them all.
    rows: filtered,
    claimMinIdleMs,
    // Nothing pending, a pick just lost to a removal gives the default its group: the select moved to another
    // group's consumer, far from the one the user had chosen.
    near: lostPick === null ? null : consumerOfValue(lostPick),
    previous: shownDefault.current,
  });
  const showsDefault = target !== null && target.value !== chosen;
  useEffect(() => {
    if (showsDefault) shownDefault.current = target?.value ?? null;
  }, [showsDefault, target?.value]);
  const wrongGroup = targetGroupNote(target, options, groups);

  // A refusal names the target as it stood ("worker-b is paused … resume it first"): once it is resumed, or
  // another target picked, the error no longer says what a click now would do.
  const targetPaused = useDashboard((state) =>
    target === null
      ? null
      : (findConsumer(state.snapshot, target.group, target.consumer)?.worker?.paused ?? null),
  );
  useAnswerGoesWhenChanged(
    autoclaim.error !== null,
    `${target?.value ?? ''}:${targetPaused}`,
    autoclaim.clear,
  );

  const onClaim = () => {
    if (target === null) return;
    // Claimed into, the default becomes the pick: left to follow where entries are stuck, it moved to another
    // consumer the moment this claim emptied the list, under a result naming the one it had claimed into.
    pick(target.value);
    void autoclaim.run({ type: 'autoclaim', group: target.group, consumer: target.consumer });
  };

  return (
    <Panel title="Pending entries" subtitle="XPENDING">
      <div className="pending-summary">
        <span>
          <strong>{formatCount(totalPending)}</strong> pending
          {filter === null ? null : (
            <>
              {' '}
              with <span className="mono">{filterLabel(filter)}</span>
            </>
          )}
        </span>
        <span>
          {/* Counted over the listed rows: entries left out may be idle too, so then it is a floor. */}
          {omitted > 0 ? 'at least ' : null}
          <strong className={claimable > 0 ? 'claimable-count' : undefined}>{formatCount(claimable)}</strong>{' '}
          idle past the claim threshold ({formatDuration(claimMinIdleMs)})
        </span>
        {omitted > 0 ? <span className="muted">{formatCount(omitted)} not listed</span> : null}
      </div>
      <ShortRetentionNote />

      <div className="autoclaim">
        <div className="form-row">
          <PendingFilterSelect groups={groups} filter={filter} />
          <div className="field">
            <label htmlFor={targetId}>Target consumer</label>
            <select
              id={targetId}
              value={target?.value ?? ''}
              // Cut at the select's edge without an ellipsis: the whole group/consumer, for a long one.
              title={target?.value}
              disabled={options.length === 0}
              onChange={(event) => pick(event.target.value)}
            >
              {options.length === 0 ? <option value="">no consumer here to claim into</option> : null}
              {options.map((option) => (
                <option key={option.value} value={option.value}>
                  {targetLabel(option)}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            className="primary"
            disabled={target === null}
            onClick={onClaim}
            aria-describedby={wrongGroup === null ? undefined : wrongGroupId}
          >
            XAUTOCLAIM to selected
          </button>
          {wrongGroup === null ? null : (
            <span id={wrongGroupId} className="row-note muted">
              {wrongGroup}
            </span>
          )}
        </div>
        {/* A live region present before its words come, or screen readers miss them. */}
        <div aria-live="polite">
          {lostPick === null || target === null ? null : (
            <p className="muted pending-claim-scope">
              <span className="mono">{lostPick}</span>, the target picked, is no longer here: XAUTOCLAIM now
              goes to <span className="mono">{target.value}</span>.
            </p>
          )}
        </div>
        {filter?.consumer == null || target?.group !== filter.group ? null : (
          // Narrowed to one consumer, the table suggested the claim would take that consumer's entries only.
          <p className="muted pending-claim-scope">
            XAUTOCLAIM takes every idle entry of {filter.group}, not only {filter.consumer}'s: Claim on a row
            takes one.
          </p>
        )}
        <ActionFeedback error={autoclaim.error} at={autoclaim.answeredAt}>
          {autoclaim.result === null ? null : (
            <>
              Into{' '}
              <span className="mono">
                {autoclaim.result.group}/{autoclaim.result.consumer}
              </span>
              : claimed <strong>{formatCount(autoclaim.result.claimed)}</strong>, processed{' '}
              <strong>{formatCount(autoclaim.result.processed)}</strong>, deleted{' '}
              <strong>{formatCount(autoclaim.result.deleted)}</strong>
              {autoclaim.result.deletedIds.length > 0 ? (
                <>
                  {' '}
                  trimmed while pending{' '}
                  <span className="mono">({formatFirstOf(autoclaim.result.deletedIds, 5)})</span>,
                  dead-lettered as <em>trimmed</em>
                </>
              ) : null}
              {autoclaim.result.deadLettered > 0 ? (
                <>
                  , and <strong>{formatCount(autoclaim.result.deadLettered)}</strong> dead-lettered at the
                  delivery limit
                </>
              ) : null}{' '}
              <span className="muted">(min idle {formatDuration(autoclaim.result.minIdleMs)})</span>
            </>
          )}
        </ActionFeedback>
        {claiming.note}
        {parking.note}
      </div>

      <div ref={setTable} {...holdWhileFocused}>
        {/* Always there while there are rows, one line high either way: a note appearing as the pointer came
            would push the rows it holds down under it. Live, so focus coming in is told the rows stopped (not
            role="status": the page's one status is the connection's). */}
        {visible.length === 0 && held === null ? null : (
          <p className={`pending-hold${held === null ? '' : ' is-held'}`} aria-live="polite">
            {/* The word to the eye, as the Live tail's "frozen"; the sentence after it says it to all. */}
            {held === null ? null : (
              <span className="badge badge-warn" aria-hidden="true">
                held
              </span>
            )}
            <span className="pending-hold-text">{holdNote(held, listed.at)}</span>
          </p>
        )}
        {visible.length === 0 ? (
          <p className="empty">
            {filter === null ? (
              'Nothing pending: every delivered entry has been acked.'
            ) : (
              <>
                Nothing pending with <span className="mono">{filterLabel(filter)}</span>
                {filtered.length === 0 && totalPending > 0 ? ' among the rows listed' : ''}.
              </>
            )}
          </p>
        ) : (
          <div className="table-wrap pending-table">
            <table className="data-table">
              <caption className="sr-only">Pending entries per group and consumer</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Consumer</th>
                  <th scope="col">ID</th>
                  <th scope="col">Type</th>
                  <FigureSortHeaders columns={SORTABLE} sort={sort} onSort={onSort} />
                  <th scope="col">Claim</th>
                </tr>
              </thead>
              <tbody>
                {visible.map((row) => {
                  // Another application's entries: neither claimed nor parked from here (the server refuses both).
                  const foreign = foreignGroups.has(row.group);
                  const claim = foreign ? null : rowClaimTarget(options, target, row);
                  return (
                    <PendingRow
                      key={`${row.group}/${row.id}`}
                      group={row.group}
                      consumer={row.consumer}
                      id={row.id}
                      eventType={row.eventType}
                      typeNotRead={row.typeNotRead === true}
                      idleMs={row.idleMs}
                      deliveries={row.deliveries}
                      claimMinIdleMs={claimMinIdleMs}
                      onDeadLetter={foreign ? null : parking.onDeadLetter}
                      claimFor={claim !== null && 'consumer' in claim ? claim.consumer : null}
                      noClaimWhy={claim !== null && 'none' in claim ? claim.none : null}
                      onClaim={claiming.onClaim}
                    />
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {filtered.length > shown.length ? (
        <p className="muted pending-more">
          Showing {shown.length} of {formatCount(filtered.length)} listed rows; Show narrows to a group or
          consumer.
        </p>
      ) : null}
    </Panel>
  );
}
