import type { WorkerView } from '@streamscope/protocol';

interface WorkerBadgesProps {
  worker: Pick<WorkerView, 'alive' | 'state' | 'paused' | 'crashQueued'> | null;
  /** Whether a Streamscope worker holds a connection under its name; `null` when Redis would not say. */
  connected: boolean | null;
}

/** What a consumer's worker is doing (alive, paused, crash-queued), or that none runs it here; cards and rows. */
export function WorkerBadges({ worker, connected }: WorkerBadgesProps) {
  if (worker === null) {
    // Not run by this server. A worker of another Streamscope process keeps a named connection open.
    return connected ? (
      <span
        className="badge badge-ok"
        title="No worker runs under this name here; a Streamscope worker in another process holds it (its connection is open)"
      >
        elsewhere
      </span>
    ) : (
      <span
        className="badge"
        title={
          connected === null
            ? 'Redis knows this consumer, but no worker runs under its name here (Redis would not list its clients)'
            : 'Redis knows this consumer, but no Streamscope worker, here or elsewhere, is connected under its name'
        }
      >
        no worker
      </span>
    );
  }
  return (
    <>
      {worker.alive ? (
        <span className="badge badge-ok">alive</span>
      ) : (
        <span className="badge badge-danger">{worker.state === 'running' ? 'down' : worker.state}</span>
      )}
      {worker.paused ? <span className="badge badge-warn">paused</span> : null}
      {worker.crashQueued > 0 ? (
        <span className="badge badge-danger" title="Its next deliveries will be dropped without XACK">
          crash-queued {worker.crashQueued}
        </span>
      ) : null}
    </>
  );
}
