import type { WorkerView } from '@streamscope/protocol';

/** A running, idle worker as a snapshot shows it, with `patch` over it: the fixture the component tests share. */
export function workerView(patch: Partial<WorkerView> = {}): WorkerView {
  return {
    state: 'running',
    paused: false,
    alive: true,
    crashQueued: 0,
    processed: 0,
    duplicates: 0,
    reaped: 0,
    crashedDrops: 0,
    failures: 0,
    lastError: null,
    recent: [],
    ...patch,
  };
}
