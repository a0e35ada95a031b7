import type { AlertView, ConsumerView, WorkerView } from '@streamscope/protocol';
import { memo, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useHoldWhileFocused } from '../../hooks/use-hold-while-focused';
import { useDashboardWhileVisible } from '../../hooks/use-while-visible';
import { type AlertIndex, alertsFor, hasAlert } from '../../lib/alerts';
import { formatCount, formatDuration } from '../../lib/format';
import { isClosing } from '../../lib/worker-closing';
import { PendingCount } from '../PendingPanel/PendingCount';
import { type FigureColumn, FigureSortHeaders, SortHeader } from '../SortHeader/SortHeader';
import { sortedBy } from '../SortHeader/table-sort';
import { AlertBadges } from './AlertBadges';
import { CONSUMER_FIGURE_HINT } from './consumer-figures';
import { findConsumer } from './consumer-lookup';
import {
  type ConsumerSort,
  consumerOrder,
  keepOrder,
  nextSort,
  type SortColumn,
} from './consumer-table-order';
import type { RemovalOutcome } from './removal-outcome';
import { useConsumerActions } from './use-consumer-actions';
import { WorkerBadges } from './WorkerBadges';

type Removed = (outcome: RemovalOutcome) => void;

/**
 * What a row shows, as plain values (the idle time as its text), so a row whose figures did not change between
 * snapshots selects an equal object and does not render again: with the producer on every snapshot brings every
 * consumer as a new object.
 */
interface RowFigures {
  pending: number;
  idle: string;
  processed: number | null;
  reaped: number | null;
  dropped: number | null;
  failures: number | null;
  /** `null` when no worker runs it here. */
  state: WorkerView['state'] | null;
  alive: boolean;
  paused: boolean;
  crashQueued: number;
  lastError: string | null;
  connected: boolean | null;
}

function rowFigures({ pending, idleMs, worker, connected }: ConsumerView): RowFigures {
  return {
    pending,
    idle: formatDuration(idleMs),
    processed: worker?.processed ?? null,
    reaped: worker?.reaped ?? null,
    dropped: worker?.crashedDrops ?? null,
    failures: worker?.failures ?? null,
    state: worker?.state ?? null,
    alive: worker?.alive ?? false,
    paused: worker?.paused ?? false,
    crashQueued: worker?.crashQueued ?? 0,
    lastError: worker?.lastError ?? null,
    connected,
  };
}

const orNone = (value: number | null) => (value === null ? '—' : formatCount(value));

interface ConsumerRowProps {
  group: string;
  name: string;
  /** Its group is another application's (see `GroupView.createdByStreamscope`). */
  foreignGroup: boolean;
  /** This consumer's alerts; the shared empty list when none, so memo holds. */
  alerts: readonly AlertView[];
  onRemoved: Removed;
}

/**
 * One consumer as a table row. Like a card it follows the store itself, and only while on screen; and it renders
 * again only when what it shows changed, so the table re-ordering its rows costs no row a render.
 */
const ConsumerRow = memo(function ConsumerRow({
  group,
  name,
  foreignGroup,
  alerts,
  onRemoved,
}: ConsumerRowProps) {
  const nameId = useId();
  const [row, setRow] = useState<HTMLTableRowElement | null>(null);
  const selected = useDashboardWhileVisible(
    row,
    useShallow((state) => {
      const consumer = findConsumer(state.snapshot, group, name);
      return consumer === undefined ? undefined : rowFigures(consumer);
    }),
  );
  // Gone from the snapshot, it keeps its last figures until the table, drawn from the same snapshot, drops it.
  const last = useRef(selected);
  if (selected !== undefined) last.current = selected;
  const figures = last.current;
  const actions = useConsumerActions({
    group,
    name,
    hasWorker: figures?.state != null,
    closing: isClosing(figures?.state),
    paused: figures?.paused ?? false,
    connected: figures?.connected ?? null,
    crashQueued: figures?.crashQueued ?? 0,
    foreignGroup,
    onRemoved,
    element: row,
  });
  if (figures === undefined) return null;
  const worker = figures.state === null ? null : { ...figures, state: figures.state };
  const rowClass =
    worker === null ? undefined : !worker.alive ? 'is-down' : worker.paused ? 'is-paused' : undefined;
  return (
    <tr ref={setRow} className={rowClass} aria-labelledby={nameId}>
      <th scope="row" id={nameId} className="consumer-cell mono">
        <span className="cell-clip" title={name}>
          {name}
        </span>
      </th>
      <td>
        <span className="consumer-badges">
          <WorkerBadges worker={worker} connected={figures.connected} />
          <AlertBadges alerts={alerts} />
        </span>
      </td>
      <td
        className={`num${hasAlert(alerts, 'pending') ? ' is-alert' : figures.pending > 0 ? ' has-pending' : ''}`}
      >
        <PendingCount group={group} consumer={name} pending={figures.pending} />
      </td>
      <td className={`num${hasAlert(alerts, 'consumerIdleMs') ? ' is-alert' : ''}`}>{figures.idle}</td>
      <td className="num">{orNone(figures.processed)}</td>
      <td className="num">{orNone(figures.reaped)}</td>
      <td className={`num${(figures.dropped ?? 0) > 0 ? ' has-drops' : ''}`}>{orNone(figures.dropped)}</td>
      <td
        className={`num${figures.lastError === null ? '' : ' has-error'}`}
        title={figures.lastError === null ? undefined : `Last error: ${figures.lastError}`}
      >
        {orNone(figures.failures)}
      </td>
      <td className="consumer-row-actions">
        <span className="consumer-actions">{actions.buttons}</span>
        {actions.feedback}
      </td>
    </tr>
  );
});

const COLUMNS: readonly FigureColumn<SortColumn>[] = [
  { column: 'pending', label: 'Pending', hint: CONSUMER_FIGURE_HINT.pending },
  { column: 'idle', label: 'Idle', hint: CONSUMER_FIGURE_HINT.idle },
  { column: 'processed', label: 'Processed', hint: CONSUMER_FIGURE_HINT.processed },
  { column: 'reaped', label: 'Reaped', hint: CONSUMER_FIGURE_HINT.reaped },
  { column: 'dropped', label: 'Dropped', hint: CONSUMER_FIGURE_HINT.dropped },
  { column: 'failures', label: 'Failures', hint: CONSUMER_FIGURE_HINT.failures },
];

interface ConsumerTableProps {
  group: string;
  /** The group is another application's (see `GroupView.createdByStreamscope`). */
  foreignGroup?: boolean;
  /** The group's consumers from the snapshot its panel shows, in the server's counting order. */
  consumers: readonly ConsumerView[];
  alerts: AlertIndex;
  onRemoved: Removed;
  /**
   * The order chosen by its headers. Kept by the group's panel, not here: the table is unmounted while the group
   * shows cards, and a sort held here was lost at every switch to cards and back.
   */
  sort: ConsumerSort;
  onSortChange: (sort: ConsumerSort) => void;
}

/**
 * A group's consumers one row each: the compact view, for groups with dozens of them. Sortable by any figure
 * (counting order by name to begin with, as the cards); recent deliveries are the cards' to show.
 */
export function ConsumerTable({
  group,
  foreignGroup = false,
  consumers,
  alerts,
  onRemoved,
  sort,
  onSortChange,
}: ConsumerTableProps) {
  const order = consumerOrder(consumers, sort);
  const { value: held, holdWhileFocused } = useHoldWhileFocused(order, { whilePointedAt: true });
  const shown = held === order ? order : keepOrder(held, order);
  // Said under the table, or a table sorted by pending that shows 19, 0, 10 would look broken.
  const outOfOrder = shown !== order && shown.some((name, index) => name !== order[index]);
  const onSort = (column: SortColumn) => onSortChange(nextSort(sort, column));
  return (
    <>
      <div className="table-wrap consumer-table-wrap">
        <table className="data-table consumer-table">
          <caption className="sr-only">Consumers of {group}</caption>
          <thead>
            <tr>
              <SortHeader column="name" label="Consumer" sorted={sortedBy(sort, 'name')} onSort={onSort} />
              <th scope="col">Status</th>
              <FigureSortHeaders columns={COLUMNS} sort={sort} onSort={onSort} />
              <th scope="col" className="actions-column">
                Actions
              </th>
            </tr>
          </thead>
          {/* Sorted by a live figure, rows move at every snapshot: they hold still while focus or the pointer is
            among them, so a button about to be clicked stays the consumer's it names. */}
          <tbody {...holdWhileFocused}>
            {shown.map((name) => (
              <ConsumerRow
                key={name}
                group={group}
                name={name}
                foreignGroup={foreignGroup}
                alerts={alertsFor(alerts, group, name)}
                onRemoved={onRemoved}
              />
            ))}
          </tbody>
        </table>
      </div>
      {/* Outside the frame, which scrolls: inside it, the note showed only once scrolled to the last row. */}
      {outOfOrder ? (
        <p className="consumer-table-note">
          Rows keep their places while the pointer or focus is on them; they are sorted again once neither is.
        </p>
      ) : null}
    </>
  );
}
