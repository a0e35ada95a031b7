import type { CommandResults } from '@streamscope/protocol';
import { useCallback, useMemo, useState } from 'react';
import { useOnStreamReset } from '../../hooks/use-stream-reset';
import { indexAlerts, NO_ALERTS } from '../../lib/alerts';
import { formatCountOf } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { GroupPanel } from './GroupPanel';
import { NewGroupForm } from './NewGroupForm';
import { groupsNotShown } from './not-shown';
import { OutcomeNote } from './OutcomeNote';

type GroupDeletion = CommandResults['group.delete'];

export function GroupsSection() {
  const groups = useDashboard((state) => state.snapshot?.groups);
  const groupsOmitted = useDashboard((state) => state.snapshot?.groupsOmitted ?? 0);
  const alerts = useDashboard((state) => state.snapshot?.alerts ?? NO_ALERTS);
  const alertIndex = useMemo(() => indexAlerts(alerts), [alerts]);
  // A deleted group's panel leaves with it, the Delete button that had focus too: what the deletion did is said
  // here (see OutcomeNote).
  const [deleted, setDeleted] = useState<GroupDeletion | null>(null);
  useOnStreamReset(useCallback(() => setDeleted(null), []));
  if (groups === undefined) return null;
  return (
    <>
      {groups.length === 0 ? (
        <p className="empty groups-empty">
          No consumer groups on this stream. Create one below, or reset the demo to seed them.
        </p>
      ) : (
        <div className="groups">
          {groups.map((group) => (
            <GroupPanel key={group.name} group={group} alerts={alertIndex} onDeleted={setDeleted} />
          ))}
        </div>
      )}
      {groupsOmitted === 0 ? null : (
        <p className="groups-not-shown">{groupsNotShown(groups.length, groupsOmitted)}</p>
      )}
      {deleted === null ? null : (
        <OutcomeNote
          outcome={deleted}
          dismissLabel="Dismiss group deletion note"
          onDismiss={() => setDeleted(null)}
        >
          Deleted group <strong>{deleted.group}</strong>
          {deleted.consumersStopped.length === 0 ? null : (
            <>
              , after stopping <strong>{deleted.consumersStopped.join(', ')}</strong>
            </>
          )}
          {deleted.pendingDiscarded === 0 ? null : (
            <>; {formatCountOf(deleted.pendingDiscarded, 'pending entry', 'pending entries')} forgotten</>
          )}
        </OutcomeNote>
      )}
      <NewGroupForm />
    </>
  );
}
