import { useState } from 'react';
import { Panel } from '../Panel/Panel';
import { ExactTrimToggle } from './ExactTrimToggle';
import { LossPreview } from './LossPreview';
import { isPreviewable, type PreviewBasis } from './preview-plan';
import { RetentionPolicyForm } from './RetentionPolicyForm';
import { TrimByAgeForm } from './TrimByAgeForm';
import { TrimByLengthForm } from './TrimByLengthForm';
import { useTrimConfirm } from './use-trim-confirm';
import { useTrimPreview } from './use-trim-preview';
import './TrimPanel.css';

const INITIAL_MAXLEN = '100';

/**
 * XTRIM by length or by age, with a preview of what it would take from each group, and a standing age policy.
 * Approximate (`~`) by default: Redis then frees only whole macro-nodes.
 */
export function TrimPanel() {
  // The three fields' texts live here: the preview reads all of them, the field edited last being the one asked about.
  const [maxlen, setMaxlen] = useState(INITIAL_MAXLEN);
  const [olderThanMs, setOlderThanMs] = useState('60000');
  const [keepMs, setKeepMs] = useState('60000');
  const [exact, setExact] = useState(false);
  const texts = { maxlen, age: olderThanMs, policy: keepMs };
  const preview = useTrimPreview(texts);
  const confirm = useTrimConfirm(exact);
  // Both trims ask before they go, and take the preview on screen away once they have.
  const trimChecks = { exact, confirm, onTrimmed: preview.afterTrim };
  const edited = (basis: PreviewBasis, set: (text: string) => void) => (text: string) => {
    set(text);
    preview.edit(basis, text);
  };

  return (
    <Panel title="Retention" subtitle="XTRIM">
      <TrimByLengthForm value={maxlen} onChange={edited('maxlen', setMaxlen)} {...trimChecks} />
      <TrimByAgeForm value={olderThanMs} onChange={edited('age', setOlderThanMs)} {...trimChecks} />
      <ExactTrimToggle exact={exact} onChange={setExact} />
      <LossPreview
        basis={preview.basis}
        exact={exact}
        pending={preview.pending}
        error={preview.error}
        shown={preview.shown}
        previewable={isPreviewable(texts[preview.basis])}
        onPreviewNow={preview.previewNow}
      />
      <RetentionPolicyForm value={keepMs} onChange={edited('policy', setKeepMs)} confirm={confirm} />
    </Panel>
  );
}
