import type { AlertView } from '@streamscope/protocol';
import { alertDetail, alertLabel } from '../../lib/alerts';

/**
 * Red badges for figures past their alert threshold. Plain text, not `role="alert"`: they come and go with every
 * snapshot, and a screen reader announcing each would drown out the answers to what the user did.
 */
export function AlertBadges({ alerts }: { alerts: readonly AlertView[] }) {
  return alerts.map((alert) => (
    <span key={alert.metric} className="badge badge-danger alert-badge" title={alertDetail(alert)}>
      {alertLabel(alert)}
    </span>
  ));
}
