import { requeueMarksKey } from '@streamscope/streams';

/**
 * The keys the server keeps beside a stream, derived from its key and from nothing a request gives: the
 * operator's controls (pauses, policies), the note of what is Streamscope's own, each group's once-per-ID guard,
 * and the mark of a reset under way. The one place they are named, so the dead-letter key can be checked against them.
 */
export const ownKeys = {
  controls: (streamKey: string) => `${streamKey}:controls`,
  owned: (streamKey: string) => `${streamKey}:owned`,
  processed: (streamKey: string, group: string) => `${streamKey}:processed:${group}`,
  /** Set while a reset deletes the stream's keys, one after another: found at a start, that reset was cut off. */
  resetting: (streamKey: string) => `${streamKey}:resetting`,
};

/**
 * Why `key` cannot be another of the stream's keys (its dead-letter stream): it, or the hash where its requeues
 * are marked beside it, is the stream itself or a key the server keeps beside it, which the server would write
 * over, or the letters over it. `null` when it is free.
 */
export function ownKeyClash(streamKey: string, key: string): string | null {
  if (key === streamKey) return 'must differ from the stream key';
  const marks = requeueMarksKey(key);
  const kept = [ownKeys.controls(streamKey), ownKeys.owned(streamKey), ownKeys.resetting(streamKey)];
  const isKept = (name: string) => kept.includes(name) || name.startsWith(ownKeys.processed(streamKey, ''));
  const keptList = `${kept.join(', ')}, ${ownKeys.processed(streamKey, '<group>')}`;
  if (isKept(key))
    return `${JSON.stringify(key)} is a key Streamscope keeps beside the stream (${keptList}): name another`;
  if (marks === streamKey || isKept(marks))
    return `its requeues would be marked at ${JSON.stringify(marks)}, ${marks === streamKey ? 'the stream key' : `a key Streamscope keeps beside the stream (${keptList})`}: name another`;
  return null;
}
