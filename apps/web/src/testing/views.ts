import type { ConsumerView, GroupView, PendingRowView, WorkerView } from '@streamscope/protocol';

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

/** A group Streamscope made, with nothing pending, and `patch` over it. */
export function groupView(
  name: string,
  consumers: GroupView['consumers'],
  patch: Partial<GroupView> = {},
): GroupView {
  return {
    name,
    createdByStreamscope: true,
    pending: 0,
    lastDeliveredId: '0-0',
    entriesRead: 0,
    lag: 0,
    trimmedUnread: 0,
    consumers,
    consumersOmitted: 0,
    deliveredPerSec: 0,
    ackedPerSec: 0,
    oldestPendingMs: null,
    autoReap: false,
    duplicates: 0,
    deadLettered: 0,
    guardMarksLost: 0,
    ...patch,
  };
}

/** A consumer holding nothing, run by `worker` (`null`: known only to Redis), and `patch` over it. */
export function consumerView(
  name: string,
  worker: WorkerView | null,
  patch: Partial<ConsumerView> = {},
): ConsumerView {
  return { name, pending: 0, idleMs: 0, inactiveMs: null, worker, connected: worker !== null, ...patch };
}

/** A pending entry delivered once and not idle yet, as a snapshot lists it, with `patch` over it. */
export function pendingRowView(patch: Partial<PendingRowView> = {}): PendingRowView {
  return {
    group: 'g',
    consumer: 'c',
    id: '1-0',
    idleMs: 0,
    deliveries: 1,
    eventType: 'order.paid',
    ...patch,
  };
}
