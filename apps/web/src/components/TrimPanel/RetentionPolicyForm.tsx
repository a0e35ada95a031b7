import type { FormEvent } from 'react';
import { useAnswerGoesWithItsSubject } from '../../hooks/use-answer-goes-with-its-subject';
import { useCommand } from '../../hooks/use-command';
import { formatDuration } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { NumberField } from '../NumberField/NumberField';
import { StandbyButton } from '../StandbyButton/StandbyButton';
import { POLICY_LABEL, type PreviewBasis } from './preview-plan';

interface RetentionPolicyFormProps {
  /** The age typed, in ms: the panel keeps it, as the preview reads it. */
  value: string;
  onChange: (text: string) => void;
  /** Asks, when the policy's first trim would take entries a group has not finished with, whether to go on. */
  confirm: (basis: PreviewBasis, text: string) => Promise<boolean>;
}

/** The standing policy: the server trims by age every second, until stopped; and whether one runs now. */
export function RetentionPolicyForm({ value, onChange, confirm }: RetentionPolicyFormProps) {
  const policy = useCommand<'retention.set'>();
  const activeMaxAgeMs = useDashboard((state) => state.snapshot?.retention.maxAgeMs ?? null);
  // "Policy set: 10 m" went on standing under "Off" once another page or client stopped or changed the policy. It
  // goes once the figures, having shown the policy it set, show another: the snapshot right after the answer may
  // still show the policy before it.
  const { result } = policy;
  useAnswerGoesWithItsSubject(
    result,
    result === null ? null : activeMaxAgeMs === result.maxAgeMs,
    policy.clear,
  );
  const onApply = async (event: FormEvent) => {
    event.preventDefault();
    // Its first trim runs within a second of being set.
    if (!(await confirm('policy', value))) return;
    await policy.run({ type: 'retention.set', maxAgeMs: parseNumberInput(value) });
  };
  return (
    <form
      className="retention-policy"
      onSubmit={onApply}
      onInvalid={policy.refuse}
      aria-busy={policy.pending}
    >
      <h3 className="section-title">Standing policy</h3>
      <div className="form-row">
        <NumberField
          label={POLICY_LABEL}
          min={1000}
          value={value}
          validity={policy.field('maxAgeMs')}
          onChange={onChange}
        />
        <button type="submit">Apply policy</button>
        <StandbyButton
          idleWhy={activeMaxAgeMs === null ? 'No policy is on' : null}
          onPress={() => void policy.run({ type: 'retention.set', maxAgeMs: null })}
        >
          Stop policy
        </StandbyButton>
      </div>
      <p className={`retention-policy-state${activeMaxAgeMs === null ? '' : ' is-active'}`}>
        {activeMaxAgeMs === null ? (
          'Off: entries stay until a trim above or the XADD cap removes them.'
        ) : (
          <>
            On: every second, entries older than <strong>{formatDuration(activeMaxAgeMs)}</strong> are trimmed
            (MINID ~ by age: Redis frees whole macro-nodes, so the oldest few may stay a little longer).
          </>
        )}
      </p>
      <ActionFeedback error={policy.error} at={policy.answeredAt} errorId={policy.errorId}>
        {policy.result === null ? null : policy.result.maxAgeMs === null ? (
          'Policy stopped.'
        ) : (
          <>
            Policy set: keep at most <strong>{formatDuration(policy.result.maxAgeMs)}</strong>.
          </>
        )}
      </ActionFeedback>
    </form>
  );
}
