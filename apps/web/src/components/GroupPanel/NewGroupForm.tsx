import { type FormEvent, useId, useState } from 'react';
import { useAnswerGoesWithItsSubject } from '../../hooks/use-answer-goes-with-its-subject';
import { useCommand } from '../../hooks/use-command';
import { listedIn } from '../../lib/answer-standing';
import { formatNullable } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { TextField } from '../TextField/TextField';
import { GroupPositionField } from './GroupPositionField';
import { type PositionChoice, positionOf } from './group-position';

const START_CHOICES = {
  $: 'New entries only ($)',
  '0-0': 'The whole stream (0-0)',
  id: 'After an ID…',
} as const;

/** XGROUP CREATE: a new group on the stream, reading from where the user says; consumers are added to it after. */
export function NewGroupForm() {
  const headingId = useId();
  const [name, setName] = useState('');
  const [choice, setChoice] = useState<PositionChoice>('$');
  const [typedId, setTypedId] = useState('');
  const create = useCommand<'group.create'>();
  // "Created billing …: add a consumer to it" goes once billing does (deleted here or elsewhere).
  const created = create.result;
  const listedNow = useDashboard((state) =>
    created === null || state.snapshot === null
      ? null
      : listedIn(
          created.group,
          state.snapshot.groups.map((group) => group.name),
          state.snapshot.groupsOmitted,
        ),
  );
  useAnswerGoesWithItsSubject(created, listedNow, create.clear);

  const onCreate = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create.run({
      type: 'group.create',
      group: name.trim(),
      startId: positionOf(choice, typedId),
    });
    if (result !== null) setName('');
  };

  return (
    <section className="new-group" aria-labelledby={headingId}>
      <h2 id={headingId} className="new-group-title">
        New consumer group <span className="panel-subtitle">XGROUP CREATE</span>
      </h2>
      <form onSubmit={onCreate} onInvalid={create.refuse} aria-busy={create.pending}>
        <div className="form-row">
          <TextField
            label="Group name"
            required
            placeholder="billing"
            value={name}
            onChange={setName}
            validity={create.field('group')}
          />
          <GroupPositionField
            label="Start at"
            choices={START_CHOICES}
            choice={choice}
            onChoice={setChoice}
            typedId={typedId}
            onTypedId={setTypedId}
            typedIdValidity={create.field('startId')}
          />
          <button type="submit">Create group</button>
        </div>
        <ActionFeedback error={create.error} at={create.answeredAt} errorId={create.errorId}>
          {create.result === null ? null : (
            <>
              Created <strong>{create.result.group}</strong> at{' '}
              <span className="mono">{create.result.lastDeliveredId}</span>, lag{' '}
              {formatNullable(create.result.lag)}: add a consumer to it to read
            </>
          )}
        </ActionFeedback>
      </form>
    </section>
  );
}
