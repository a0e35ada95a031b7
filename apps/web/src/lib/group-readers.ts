import type { GroupView } from '@streamscope/protocol';

/**
 * Whether any consumer may be reading the group: a worker here running unpaused, or a consumer this server runs no
 * worker for that is not known to be disconnected. Another application's group is taken as read (its consumers'
 * connections are not Streamscope's to see), as is one whose consumers the snapshot left out.
 */
export function mayBeRead(group: GroupView): boolean {
  if (!group.createdByStreamscope || group.consumersOmitted > 0) return true;
  return group.consumers.some((consumer) =>
    consumer.worker === null
      ? consumer.connected !== false
      : consumer.worker.state === 'running' && !consumer.worker.paused,
  );
}
