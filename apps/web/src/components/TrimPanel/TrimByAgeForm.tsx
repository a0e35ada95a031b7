import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { AGE_LABEL } from './preview-plan';
import { type TrimFieldProps, TrimForm } from './TrimForm';

/** XTRIM MINID: removes the entries older than the age typed, by the time in their IDs. */
export function TrimByAgeForm(props: TrimFieldProps) {
  const byAge = useCommand<'trim.minid'>();
  const { value, exact } = props;
  return (
    <TrimForm
      {...props}
      className="trim-age"
      basis="age"
      label={AGE_LABEL}
      validity={byAge.field('olderThanMs')}
      submitLabel="Trim by age"
      command={byAge}
      trim={() => byAge.run({ type: 'trim.minid', olderThanMs: parseNumberInput(value), approx: !exact })}
    >
      {byAge.result === null ? null : (
        <>
          Deleted <strong>{formatCount(byAge.result.deleted)}</strong> below MINID{' '}
          <span className="mono">{byAge.result.minId}</span>, length now{' '}
          <strong>{formatCount(byAge.result.length)}</strong>
        </>
      )}
    </TrimForm>
  );
}
