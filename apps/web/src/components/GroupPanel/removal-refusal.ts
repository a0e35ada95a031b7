import type { GroupView } from '@streamscope/protocol';

/**
 * Why the server would refuse to remove `name` from `group`, as the snapshot shows it: no other consumer running
 * here to take what it holds, or every such one paused (a paused one would sit on it). `null` when one is there,
 * or when the snapshot left consumers out and cannot tell.
 */
export function removalRefusal(
  group: Pick<GroupView, 'name' | 'consumers' | 'consumersOmitted'>,
  name: string,
): string | null {
  if (group.consumersOmitted > 0) return null;
  const peers = group.consumers.filter(
    (consumer) => consumer.name !== name && consumer.worker?.state === 'running',
  );
  if (peers.some((peer) => peer.worker?.paused === false)) return null;
  // One no worker here runs (left by a restart, or another process's) is not "the last consumer on this server".
  const runsHere = group.consumers.some((consumer) => consumer.name === name && consumer.worker !== null);
  if (peers.length === 0 && !runsHere)
    return `No consumer of ${group.name} runs on this server to take what it holds. Add one first`;
  return peers.length === 0
    ? `The last consumer of ${group.name} on this server: what it holds would have no one here to go to. Add another consumer first`
    : `Every other consumer of ${group.name} on this server is paused: what it holds would wait on a paused one. Resume one first`;
}
