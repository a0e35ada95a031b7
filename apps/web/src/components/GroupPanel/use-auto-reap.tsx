import { useRef, useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { formatCount } from '../../lib/format';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { type AutoReapRequest, shownAutoReap } from './auto-reap-toggle';

interface AutoReapOptions {
  group: string;
  /** What the latest snapshot says. */
  enabled: boolean;
  /** Whether any worker of the group runs on this server; the switch is the group's, followed in every process. */
  runsHere: boolean;
  /** Another application's group: the server refuses to reap there, so the switch only turns off. */
  foreign: boolean;
  /**
   * Whether no Streamscope worker of the group runs now, here or in another process, as far as the snapshot
   * tells: the switch is saved, and nothing reaps until one does.
   */
  noWorker: boolean;
}

const FOREIGN_TITLE =
  "Another application's group: what its consumers hold is theirs to reclaim. Reaped here, it would be acked with the demo handler, its work never done";

/**
 * A group's auto-reap switch and the feedback for it, as two elements so the panel can put the switch in its
 * header and the feedback in its body. The label names the group for screen readers: "Auto-reap notifications".
 */
export function useAutoReap({ group, enabled, runsHere, foreign, noWorker }: AutoReapOptions) {
  const seq = useDashboard((state) => state.snapshot?.seq ?? null);
  const [request, setRequest] = useState<AutoReapRequest | null>(null);
  const clicks = useRef(0);
  const command = useCommand<'autoreap.set'>();

  const toggle = async (next: boolean) => {
    clicks.current += 1;
    const click = clicks.current;
    setRequest({ enabled: next, answeredAtSeq: null });
    const result = await command.run({ type: 'autoreap.set', group, enabled: next });
    if (click !== clicks.current) return;
    const answeredAtSeq = useDashboard.getState().snapshot?.seq ?? null;
    setRequest(result === null ? null : { enabled: result.enabled, answeredAtSeq });
  };

  const checked = shownAutoReap(enabled, request, seq);
  const control = (
    <label
      className="checkbox auto-reap"
      title={
        foreign
          ? FOREIGN_TITLE
          : runsHere
            ? "XAUTOCLAIM on a timer in this group's workers, in every Streamscope process on the stream: entries idle past the claim threshold move to a live consumer without a click"
            : "No worker of this group runs on this server: the switch is the group's, and its Streamscope workers in other processes follow it"
      }
    >
      <input
        type="checkbox"
        checked={checked}
        // Off, it stays off; on (switched before it was refused), it can still be turned off. aria-disabled, not
        // disabled: turned off, a disabled box dropped focus to the page's body.
        aria-disabled={foreign && !checked}
        aria-busy={command.pending}
        onChange={(event) => {
          if (foreign && event.target.checked) return;
          void toggle(event.target.checked);
        }}
      />
      Auto-reap<span className="sr-only"> {group}</span>
    </label>
  );
  // The answer goes once the switch says otherwise (turned from another page or process): "Auto-reaper on" stayed
  // under a cleared box.
  const result = command.result !== null && command.result.enabled === checked ? command.result : null;
  const feedback = (
    <ActionFeedback error={command.error} at={command.answeredAt}>
      {result === null ? null : result.enabled ? (
        <>
          Auto-reaper on: XAUTOCLAIM every <strong>{formatCount(result.intervalMs)} ms</strong> in each worker
          of <span className="mono">{result.group}</span>
          {/* "On" where no worker runs read as if idle entries would now move: none will until one starts. */}
          {noWorker ? '; no Streamscope worker of it runs now, so nothing reaps until one starts' : null}
        </>
      ) : (
        <>
          Auto-reaper off for <span className="mono">{result.group}</span>: idle entries wait for a manual
          XAUTOCLAIM
        </>
      )}
    </ActionFeedback>
  );
  return { control, feedback };
}
