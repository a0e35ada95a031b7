import { mayBeRead } from '../../lib/group-readers';
import { useDashboard } from '../../store/store';

/**
 * Whether a consumer may read the group `name` (see `mayBeRead`), as the latest snapshot has it; one the snapshot
 * does not list may. A group none reads never makes room in the stream by itself, which refusals then say.
 */
export function groupIsRead(name: string): boolean {
  const group = useDashboard.getState().snapshot?.groups.find((candidate) => candidate.name === name);
  return group === undefined || mayBeRead(group);
}
