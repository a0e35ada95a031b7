import type { AlertView, CommandResults, GroupView } from '@streamscope/protocol';
import { type FormEvent, memo, useCallback, useId, useRef, useState } from 'react';
import { useAnswerGoesWithItsSubject } from '../../hooks/use-answer-goes-with-its-subject';
import { useCommand } from '../../hooks/use-command';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { type AlertIndex, alertsFor, hasAlert } from '../../lib/alerts';
import { listedIn } from '../../lib/answer-standing';
import { formatCount, formatDuration, formatNullable, formatRate } from '../../lib/format';
import { mayBeRead } from '../../lib/group-readers';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { PendingCount } from '../PendingPanel/PendingCount';
import { AlertBadges } from './AlertBadges';
import { ConsumerCard } from './ConsumerCard';
import { ConsumerTable } from './ConsumerTable';
import { consumerNameHint, consumerNameToAdd } from './consumer-name-hint';
import { type ConsumerSort, DEFAULT_SORT } from './consumer-table-order';
import { GroupManage } from './GroupManage';
import { consumerCount, consumersNotShown } from './not-shown';
import { OutcomeNote } from './OutcomeNote';
import type { RemovalOutcome } from './removal-outcome';
import { useAutoReap } from './use-auto-reap';
import { useConsumerLayout } from './use-consumer-layout';
import './GroupPanel.css';
import { Stat } from '../Stat/Stat';
import { TextField } from '../TextField/TextField';
import { CatchUpStat } from './CatchUpStat';

function RemovalNote({ removal }: { removal: RemovalOutcome }) {
  if ('removedWhileFocused' in removal) {
    return (
      <>
        <strong>{removal.name}</strong> was removed elsewhere (another page, or a script) while focus was on
        it
      </>
    );
  }
  if ('goneAlready' in removal) {
    return (
      <>
        {removal.lever === undefined ? null : `${removal.lever} found `}
        <strong>{removal.name}</strong> {removal.lever === undefined ? 'was gone' : 'gone'} already, removed
        elsewhere: {removal.goneAlready}
      </>
    );
  }
  return (
    <>
      Removed <strong>{removal.name}</strong>: {formatCount(removal.moved)} pending handed over to{' '}
      <strong>{removal.handedOverTo}</strong>
      {removal.deleted > 0 ? (
        // Trimmed away while it held them: the handover dead-letters them (reason `trimmed`), as XAUTOCLAIM does.
        <>, {formatCount(removal.deleted)} trimmed from the stream while pending, dead-lettered as trimmed</>
      ) : null}
    </>
  );
}

interface GroupPanelProps {
  group: GroupView;
  alerts: AlertIndex;
  /** Told when the group was deleted from its panel, which then leaves the page. */
  onDeleted: (result: CommandResults['group.delete']) => void;
}

const ENTRIES_READ_HINT =
  "Redis's logical count of the stream's entries this group has read up to its last-delivered ID (XINFO GROUPS entries-read): entries trimmed before it read them count too, so it can far exceed what its consumers processed";

const TRIMMED_UNREAD_HINT =
  'Entries trimmed (MAXLEN or MINID) before this group read them: its next read skips them for good';

/**
 * Whether a Streamscope worker of the group may run in another process: a consumer with its connection open, or
 * one Redis would not tell of, or one the snapshot left out.
 */
function workerElsewhere(group: GroupView): boolean {
  return group.consumersOmitted > 0 || group.consumers.some((consumer) => consumer.connected !== false);
}

/** One consumer group: its cursor and backlog (XINFO GROUPS), its consumers, and adding one. */
export const GroupPanel = memo(function GroupPanel({ group, alerts, onDeleted }: GroupPanelProps) {
  const headingId = useId();
  const [name, setName] = useState('');
  const [removal, setRemoval] = useState<RemovalOutcome | null>(null);
  const add = useCommand<'consumer.add'>();
  const onRemoved = useCallback((outcome: RemovalOutcome) => setRemoval(outcome), []);
  // Focus goes from the removal's note (see OutcomeNote), once dismissed, to the group.
  const heading = useRef<HTMLHeadingElement>(null);
  useOnStreamReset(useCallback(() => setRemoval(null), []));
  // Another process's (or application's) group, as far as this page can tell: no worker of it runs here.
  const runsHere = group.consumers.some((consumer) => consumer.worker !== null);
  const addNoteId = useId();
  const autoReap = useAutoReap({
    group: group.name,
    enabled: group.autoReap,
    runsHere,
    foreign: !group.createdByStreamscope,
    noWorker: !runsHere && !workerElsewhere(group),
  });
  // Laid out by how many it has, not by how many a snapshot carries (LIMITS.snapshotConsumersPerGroup).
  const consumers = consumerCount(group);
  const notShown = consumersNotShown(group);
  const consumerLayout = useConsumerLayout(group.name, consumers);
  // The table's sort outlives the table: switched to cards and back, it comes back sorted as the user left it.
  const [sort, setSort] = useState<ConsumerSort>(DEFAULT_SORT);
  const compact = consumerLayout.layout === 'compact';
  const groupAlerts = alertsFor(alerts, group.name);
  const alertClass = (metric: AlertView['metric']) =>
    hasAlert(groupAlerts, metric) ? 'is-alert' : undefined;

  // The Added note goes once its consumer does (removed here or elsewhere), after the snapshot had listed it.
  const added = add.result;
  useAnswerGoesWithItsSubject(
    added,
    added === null
      ? null
      : listedIn(
          added.name,
          group.consumers.map((consumer) => consumer.name),
          group.consumersOmitted,
        ),
    add.clear,
  );

  const suggestedName = consumerNameHint(group.consumers.map((consumer) => consumer.name));
  const onAdd = async (event: FormEvent) => {
    event.preventDefault();
    // Left empty, the field's suggestion (its placeholder) is the name: "must not be empty" beside a field
    // showing worker-d read as the page refusing its own suggestion. The line beside the button says so.
    const result = await add.run({
      type: 'consumer.add',
      group: group.name,
      name: consumerNameToAdd(name, suggestedName),
      // The group shown here, not one made again from 0-0 should it have been deleted meanwhile.
      groupMustExist: true,
    });
    if (result !== null) setName('');
  };

  return (
    <section
      className={`panel group-panel${compact ? ' is-compact' : ''}`}
      aria-labelledby={headingId}
      data-group={group.name}
    >
      <header className="panel-header">
        <h2
          id={headingId}
          ref={heading}
          tabIndex={-1}
          className="panel-title group-name name-clip"
          title={group.name}
        >
          {group.name}
        </h2>
        <span className="panel-subtitle">consumer group</span>
        {group.createdByStreamscope ? null : (
          <span
            className="badge"
            title="Streamscope did not create this group: it watches it, and leaves its consumers, cursor and existence to the application that reads it"
          >
            another application's
          </span>
        )}
        <AlertBadges alerts={groupAlerts} />
        {/* One cluster, right-aligned: when badges push it to a line of its own it goes whole, rather than
            leave a switch's separator at the start of the next line. */}
        <div className="group-controls">
          <span className="group-rates">
            <span>
              delivered <strong>{formatRate(group.deliveredPerSec)}</strong>
            </span>
            <span>
              acked <strong>{formatRate(group.ackedPerSec)}</strong>
            </span>
          </span>
          {autoReap.control}
          {consumerLayout.control}
        </div>
      </header>
      <div className="panel-body">
        <dl className="stats group-stats">
          <div className="wide">
            <dt>Last delivered ID</dt>
            <dd className="mono">{group.lastDeliveredId}</dd>
          </div>
          <Stat label="Pending" tone={alertClass('pending')}>
            <PendingCount group={group.name} consumer={null} pending={group.pending} />
          </Stat>
          <Stat
            label="Lag"
            hint="Entries after this group's cursor that are still in the stream: what it has yet to read. Redis's own lag (XINFO GROUPS) also counts the entries trimmed before it read them, which it never will: those are Trimmed unread, so Redis's lag is the two together"
            tone={group.lag === null ? 'unknown' : alertClass('lag')}
          >
            {formatNullable(group.lag)}
          </Stat>
          <Stat
            label="Entries read"
            hint={
              group.entriesRead === null
                ? `Unknown: Redis does not count them for a group placed at an ID (0-0 included) until its first read, nor after entries were deleted from under its cursor (XDEL). ${ENTRIES_READ_HINT}`
                : ENTRIES_READ_HINT
            }
            tone={group.entriesRead === null ? 'unknown' : undefined}
          >
            {formatNullable(group.entriesRead)}
          </Stat>
          <Stat label="Consumers">{formatCount(consumers)}</Stat>
          {/* Under the last-delivered ID, in the wide column: "behind +1,200/s" did not fit a narrow one. */}
          <CatchUpStat group={group.name} lag={group.lag} mayBeRead={mayBeRead(group)} />
          <Stat
            label="Oldest pending"
            hint="How long ago the oldest entry still pending here was appended (its ID's time), as a queue's age of oldest message: high while the group works through old entries even when none is stuck. The Pending table's Idle is the time since each was last delivered"
            // Entries pending whose IDs hold no time (another client's explicit IDs): their age is not known.
            tone={
              group.oldestPendingMs === null && group.pending > 0 ? 'unknown' : alertClass('oldestPendingMs')
            }
          >
            {group.oldestPendingMs !== null
              ? formatDuration(group.oldestPendingMs)
              : group.pending > 0
                ? 'unknown'
                : '—'}
          </Stat>
          <Stat
            label="Duplicates"
            hint="Redeliveries of entries this group had already processed, skipped by the once-per-ID guard: counted by this server since it started or the stream was reset, so it starts again at 0 with the server"
            // While Redis refuses the guard's marks, a redelivery is handled again rather than counted here.
            tone={alertClass('guardMarksLost')}
          >
            {formatCount(group.duplicates)}
          </Stat>
          <Stat
            label="Dead-lettered"
            hint="Entries of this group that this server's consumers dead-lettered, counted since the server started or the stream was reset: it starts again at 0 with the server, where Entries read is Redis's count over the group's whole life"
            tone={group.deadLettered > 0 ? 'has-dead' : undefined}
          >
            {formatCount(group.deadLettered)}
          </Stat>
          <Stat
            label="Trimmed unread"
            hint={
              group.trimmedUnread === null
                ? `Unknown until the group's first read, as its entries read are: until then no loss is seen. ${TRIMMED_UNREAD_HINT}`
                : TRIMMED_UNREAD_HINT
            }
            tone={group.trimmedUnread === null ? 'unknown' : alertClass('trimmedUnread')}
          >
            {formatNullable(group.trimmedUnread)}
          </Stat>
        </dl>
        {autoReap.feedback}

        {group.consumers.length === 0 ? (
          <p className="empty">No consumers: entries wait in the group until one is added.</p>
        ) : compact ? (
          <ConsumerTable
            group={group.name}
            foreignGroup={!group.createdByStreamscope}
            consumers={group.consumers}
            alerts={alerts}
            onRemoved={onRemoved}
            sort={sort}
            onSortChange={setSort}
          />
        ) : (
          <div className="consumer-grid">
            {group.consumers.map((consumer) => (
              <ConsumerCard
                key={consumer.name}
                group={group.name}
                name={consumer.name}
                foreignGroup={!group.createdByStreamscope}
                alerts={alertsFor(alerts, group.name, consumer.name)}
                onRemoved={onRemoved}
              />
            ))}
          </div>
        )}
        {notShown === null ? null : <p className="consumers-not-shown">{notShown}</p>}

        {removal === null ? null : (
          <OutcomeNote
            outcome={removal}
            dismissLabel="Dismiss removal note"
            onDismiss={() => {
              setRemoval(null);
              heading.current?.focus();
            }}
          >
            <RemovalNote removal={removal} />
          </OutcomeNote>
        )}

        {group.createdByStreamscope ? null : (
          <p className="consumer-note">
            Another application's group: Streamscope watches it and will not add a consumer to it, move its
            cursor or delete it, as its consumers' work is that application's.
            {runsHere ? ' This server joined it as its start asked (--seed).' : ''}
          </p>
        )}
        {!group.createdByStreamscope || runsHere || group.consumers.length === 0 ? null : (
          <p className="consumer-note" id={addNoteId}>
            No consumer of {group.name} runs on this server: one added here runs the demo handler, which acks
            what it is handed, taking entries from the group's other consumers.
          </p>
        )}
        {group.createdByStreamscope ? (
          <form className="add-consumer" onSubmit={onAdd} aria-busy={add.pending}>
            <div className="form-row">
              <TextField
                label={
                  <>
                    Consumer name
                    <span className="sr-only">
                      {' '}
                      for {group.name}, {suggestedName} if left empty
                    </span>
                  </>
                }
                placeholder={suggestedName}
                value={name}
                onChange={setName}
                validity={add.field('name')}
              />
              <button
                type="submit"
                aria-label={`Add consumer to ${group.name}`}
                aria-describedby={runsHere || group.consumers.length === 0 ? undefined : addNoteId}
              >
                Add consumer
              </button>
              {/* A placeholder reads as an example, not as what a click sends: said in words while it is. Hidden
                  from screen readers, whose label for the field already says it. */}
              {name.trim() === '' ? (
                <span className="row-note add-consumer-default" aria-hidden="true">
                  Left empty: <span className="mono">{suggestedName}</span>
                </span>
              ) : null}
            </div>
            <ActionFeedback error={add.error} at={add.answeredAt} errorId={add.errorId}>
              {add.result === null ? null : (
                <>
                  Added <strong>{add.result.name}</strong>
                </>
              )}
            </ActionFeedback>
          </form>
        ) : null}
        {group.createdByStreamscope ? <GroupManage group={group} onDeleted={onDeleted} /> : null}
      </div>
    </section>
  );
});
