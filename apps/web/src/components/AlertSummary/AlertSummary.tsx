import { useMemo, useRef } from 'react';
import { useDismissableDetails } from '../../hooks/use-dismissable-details';
import { alertCountLabel, alertLines, clearDetail } from '../../lib/alert-summary';
import { formatClock } from '../../lib/format';
import { figuresStale, useDashboard } from '../../store/store';
import './AlertSummary.css';

/** When the figures that stand still were last known, said after what they say. */
function lastKnown(at: number): string {
  return `as of ${formatClock(at)}, the last figures this page had; none is known since`;
}

/** Scrolls a group's panel under the sticky header and gives its heading the focus, as a skip link would. */
function showGroup(group: string): void {
  const heading = document.querySelector<HTMLElement>(`[data-group="${CSS.escape(group)}"] .group-name`);
  if (heading === null) return;
  heading.scrollIntoView({ block: 'start' });
  heading.focus({ preventScroll: true });
}

/**
 * Every alert of the snapshot in one place, at the top of the page: with a dozen groups, the one lagging
 * was a red badge somewhere below the fold. Each line leads to its group's panel.
 */
export function AlertSummary() {
  const alerts = useDashboard((state) => state.snapshot?.alerts ?? null);
  const thresholds = useDashboard((state) => state.snapshot?.thresholds ?? null);
  const lines = useMemo(() => (alerts === null ? null : alertLines(alerts)), [alerts]);
  const details = useRef<HTMLDetailsElement>(null);
  useDismissableDetails(details);
  // While the figures stand still, none is known to be within its threshold: a green "No alerts" beside
  // "reconnecting" read as all well.
  const staleSince = useDashboard((state) => (figuresStale(state) ? (state.snapshot?.at ?? null) : null));
  if (lines === null || thresholds === null) return null;
  if (lines.length === 0 && staleSince !== null) {
    return (
      <span className="alert-summary is-unknown" title={`No alert ${lastKnown(staleSince)}`}>
        Alerts unknown
      </span>
    );
  }
  if (lines.length === 0) {
    return (
      <span className="alert-summary is-clear" title={clearDetail(thresholds)}>
        No alerts
      </span>
    );
  }
  return (
    <details ref={details} className={`alert-summary is-alerting${staleSince === null ? '' : ' is-stale'}`}>
      {/* Standing still, the count is the last one known, and says so: as live, "4 alerts" sat beside
          "reconnecting" as if it were. */}
      <summary title={staleSince === null ? undefined : `Alerts ${lastKnown(staleSince)}`}>
        {alertCountLabel(lines.length)}
        {staleSince === null ? null : `, as of ${formatClock(staleSince)}`}
      </summary>
      <ul aria-label="Alerts">
        {lines.map((line) => (
          <li key={line.key}>
            <button
              type="button"
              className="alert-line"
              title={line.detail}
              onClick={() => {
                if (details.current !== null) details.current.open = false;
                showGroup(line.group);
              }}
            >
              <span className="mono">{line.subject}</span> <span className="alert-label">{line.label}</span>
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
