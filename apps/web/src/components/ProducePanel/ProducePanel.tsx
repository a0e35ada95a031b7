import { DEMO_EVENT_TYPES, LIMITS, RANDOM_EVENT_TYPE } from '@streamscope/protocol';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCommand } from '../../hooks/use-command';
import { formatCount, formatRate } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { NumberField } from '../NumberField/NumberField';
import { Panel } from '../Panel/Panel';
import { StandbyButton } from '../StandbyButton/StandbyButton';
import './ProducePanel.css';
import { behindFate } from './behind-fate';
import { groupsBehind } from './groups-behind';
import { describeProducerFailing } from './producer-failing';
import { producerShortfall } from './producer-shortfall';

/** XADD: a batch of events now, or a continuous producer at a steady rate. */
export function ProducePanel() {
  const ids = { type: useId() };
  const [eventType, setEventType] = useState<string>(RANDOM_EVENT_TYPE);
  const [count, setCount] = useState('10');
  // Within what the seeded consumers keep up with at their 25 ms of work each (analytics: 40/s).
  const [rate, setRate] = useState('30');
  const produce = useCommand<'produce'>();
  const start = useCommand<'producer.start' | 'producer.stop'>();
  const producer = useDashboard(useShallow((state) => state.snapshot?.producer ?? null));
  const producedPerSec = useDashboard((state) => state.snapshot?.producedPerSec ?? 0);
  const achieved = useDashboard(({ snapshot, producerRun, history }) =>
    snapshot?.producer.running && producerRun !== null
      ? producerShortfall(snapshot.producer.rate, history, producerRun.since)
      : null,
  );
  const groups = useDashboard((state) => state.snapshot?.groups ?? null);
  const maxlen = useDashboard((state) => state.snapshot?.maxlen ?? null);
  const streamLength = useDashboard((state) => state.snapshot?.stream.length ?? 0);
  const behind =
    producer?.running && groups !== null
      ? groupsBehind(producer.rate, producedPerSec, streamLength, groups)
      : [];
  // A page opened while the producer runs (started from another page or the API) shows the rate it runs at, until
  // the field is edited: the default beside "running · 2,000/s" read as if the field had been ignored.
  const rateEdited = useRef(false);
  const runningRate = producer?.running ? producer.rate : null;
  useEffect(() => {
    if (runningRate !== null && !rateEdited.current) setRate(String(runningRate));
  }, [runningRate]);
  const onRateChange = (value: string) => {
    rateEdited.current = true;
    setRate(value);
  };

  // Whether the run this form started has ended since, stopped or replaced by another start: only once a snapshot
  // has shown it running as started after the answer, as one built while the start landed can come after it and
  // still show the run before. Latched: after a restart and a start elsewhere the note went back to plain.
  const [seenRunning, setSeenRunning] = useState<object | null>(null);
  const [endedFor, setEndedFor] = useState<object | null>(null);
  const started = start.result?.running ? start.result : null;
  const runsAsStarted =
    started !== null &&
    producer?.running === true &&
    producer.rate === started.rate &&
    producer.eventType === started.eventType;
  if (started !== null && runsAsStarted && seenRunning !== started) setSeenRunning(started);
  if (started !== null && seenRunning === started && !runsAsStarted && endedFor !== started)
    setEndedFor(started);
  const endedSince = started !== null && endedFor === started;

  const onProduce = (event: FormEvent) => {
    event.preventDefault();
    void produce.run({ type: 'produce', count: parseNumberInput(count), eventType });
  };
  const stopped = producer !== null && !producer.running;
  const onStart = (event: FormEvent) => {
    event.preventDefault();
    void start.run({ type: 'producer.start', rate: parseNumberInput(rate), eventType });
  };

  return (
    <Panel title="Produce events" subtitle="XADD">
      <div className="field produce-type">
        <label htmlFor={ids.type}>Event type</label>
        <select id={ids.type} value={eventType} onChange={(event) => setEventType(event.target.value)}>
          <option value={RANDOM_EVENT_TYPE}>random</option>
          {DEMO_EVENT_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>

      <form
        className="produce-form"
        onSubmit={onProduce}
        onInvalid={produce.refuse}
        aria-busy={produce.pending}
      >
        <div className="form-row">
          <NumberField
            label="Number of events"
            min={1}
            max={LIMITS.produceMax}
            value={count}
            onChange={setCount}
            validity={produce.field('count')}
          />
          <button type="submit" className="primary">
            Produce
          </button>
        </div>
        <ActionFeedback error={produce.error} at={produce.answeredAt} errorId={produce.errorId}>
          {produce.result === null ? null : (
            <>
              Produced <strong>{formatCount(produce.result.produced)}</strong>
              {produce.result.lastId === null ? null : (
                <>
                  , last <span className="mono">{produce.result.lastId}</span>
                </>
              )}
            </>
          )}
        </ActionFeedback>
      </form>

      <form className="producer-form" onSubmit={onStart} onInvalid={start.refuse} aria-busy={start.pending}>
        <div className="form-row">
          <NumberField
            label="Rate (events/s)"
            min={1}
            max={LIMITS.producerRateMax}
            value={rate}
            onChange={onRateChange}
            validity={start.field('rate')}
          />
          <button type="submit">Start</button>
          <StandbyButton
            idleWhy={stopped ? 'The producer is stopped' : null}
            onPress={() => void start.run({ type: 'producer.stop' })}
          >
            Stop
          </StandbyButton>
          <span className={`row-note producer-state${producer?.running ? ' is-running' : ''}`}>
            {producer === null ? null : producer.running ? (
              <>
                running · {formatCount(producer.rate)}/s
                {/* The target alone would claim a pace Redis or this machine may not keep up with. */}
                {achieved === null ? null : (
                  <>
                    {' '}
                    target, <span className="producer-achieved">{formatRate(achieved)} achieved</span>
                  </>
                )}{' '}
                · {producer.eventType ?? RANDOM_EVENT_TYPE}
              </>
            ) : (
              'stopped'
            )}
          </span>
        </div>
        {/* The state beside the buttons is the producer's now, whoever started it: this is what this form did, and
            when, so a second Start at the same rate answers too. */}
        <ActionFeedback error={start.error} at={start.answeredAt} errorId={start.errorId}>
          {start.result === null ? null : start.result.running ? (
            <>
              Started at <strong>{formatCount(start.result.rate)}</strong>/s,{' '}
              {start.result.eventType ?? RANDOM_EVENT_TYPE}
              {/* Beside "stopped", the line read as if the start had not taken: a restart does not bring the
                  producer back (it is demo load), and a reset or another page stops it. */}
              {!endedSince ? null : producer?.running ? (
                <>; another start has replaced it since (another page, or a client of the API)</>
              ) : (
                <>
                  ; it has stopped since (another page, a reset, or a server restart, which does not start it
                  again)
                </>
              )}
            </>
          ) : (
            'Stopped'
          )}
        </ActionFeedback>
        {producer?.failing ? (
          <p className="producer-failing" role="status">
            <span aria-hidden="true">⚠ </span>
            {describeProducerFailing(producer.failing)}
          </p>
        ) : null}
        {behind.length === 0 ? null : (
          <p className="producer-behind">
            <span aria-hidden="true">⚠ </span>
            {behind.map((group, index) => (
              <span key={group.name}>
                {index === 0 ? '' : index === behind.length - 1 ? ' and ' : ', '}
                <span className="mono">{group.name}</span> {index === 0 ? 'acks ' : ''}
                {formatRate(group.ackedPerSec)}
              </span>
            ))}
            , under the {formatCount(producer?.rate ?? 0)}/s produced:{' '}
            {behindFate(behind, producedPerSec, maxlen).map((part) =>
              typeof part === 'string' ? (
                part
              ) : (
                // A group is named once: its name keys it.
                <span key={part.group} className="mono">
                  {part.group}
                </span>
              ),
            )}
            . Add consumers, or lower the rate.
          </p>
        )}
      </form>
    </Panel>
  );
}
