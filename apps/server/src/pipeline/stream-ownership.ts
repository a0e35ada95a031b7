import type { EventStream } from '@streamscope/streams';
import { listed } from './consumer-ref.js';
import type { OperatorControls } from './operator-controls.js';

/** What of a stream is Streamscope's own, as `<stream key>:owned` notes it (see `OperatorControls`). */
export interface StreamOwnership {
  /** The stream key holds a stream. */
  readonly exists: boolean;
  /** `:owned` notes something: Streamscope ran on this stream (seeded it, made a group or consumer on it). */
  readonly noted: boolean;
  /** The stream's groups Streamscope did not create: another application's. */
  readonly foreignGroups: readonly string[];
}

/**
 * Reads what of the stream is another application's. A Streamscope pointed at a stream someone else runs must
 * not reset it, seed the demo into it or append demo events to it: a reset deleted the stream with its groups
 * and their pending entries, a default seed acked every entry with the demo handler, and one produce's
 * `MAXLEN ~` cut 2,900 unread entries off a 5,000-entry stream.
 */
export async function streamOwnership(
  stream: EventStream,
  controls: Pick<OperatorControls, 'ownedGroups'>,
): Promise<StreamOwnership> {
  const [type, owned, groups] = await Promise.all([
    stream.redis.type(stream.streamKey),
    controls.ownedGroups(),
    stream.infoGroups(),
  ]);
  return {
    exists: type === 'stream',
    noted: owned !== null,
    foreignGroups: groups.map((group) => group.name).filter((name) => !owned?.has(name)),
  };
}

/** Why the stream is another application's, as a refusal begins to say it; `null` when it is Streamscope's. */
export function foreignReason(
  { exists, noted, foreignGroups }: StreamOwnership,
  streamKey: string,
): string | null {
  if (foreignGroups.length > 0) {
    return `${JSON.stringify(streamKey)} has groups Streamscope did not create (${listed(foreignGroups)})`;
  }
  if (exists && !noted) return `${JSON.stringify(streamKey)} holds a stream Streamscope has never run on`;
  return null;
}
