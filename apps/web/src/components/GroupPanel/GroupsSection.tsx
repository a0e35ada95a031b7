import { useMemo } from 'react';
import { indexAlerts, NO_ALERTS } from '../../lib/alerts';
import { useDashboard } from '../../store/store';
import { GroupPanel } from './GroupPanel';
import { NewGroupForm } from './NewGroupForm';

export function GroupsSection() {
  const groups = useDashboard((state) => state.snapshot?.groups);
  const alerts = useDashboard((state) => state.snapshot?.alerts ?? NO_ALERTS);
  const alertIndex = useMemo(() => indexAlerts(alerts), [alerts]);
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
            <GroupPanel key={group.name} group={group} alerts={alertIndex} />
          ))}
        </div>
      )}
      <NewGroupForm />
    </>
  );
}
