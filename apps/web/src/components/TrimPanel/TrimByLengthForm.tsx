import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { type TrimFieldProps, TrimForm } from './TrimForm';

/** XTRIM MAXLEN: keeps the newest entries, as many as typed. */
export function TrimByLengthForm(props: TrimFieldProps) {
  const byLength = useCommand<'trim.maxlen'>();
  const { value, exact } = props;
  return (
    <TrimForm
      {...props}
      basis="maxlen"
      label={<>MAXLEN {exact ? '=' : '~'}</>}
      validity={byLength.field('maxlen')}
      submitLabel="XTRIM"
      command={byLength}
      trim={() => byLength.run({ type: 'trim.maxlen', maxlen: parseNumberInput(value), approx: !exact })}
    >
      {byLength.result === null ? null : (
        <>
          Deleted <strong>{formatCount(byLength.result.deleted)}</strong>, length now{' '}
          <strong>{formatCount(byLength.result.length)}</strong>
        </>
      )}
    </TrimForm>
  );
}
