import type { CommandResults, Snapshot } from '@streamscope/protocol';
import { formatCount } from './format';

export type TrimPreview = CommandResults['trim.preview'];

export interface TrimPreviewSummary {
  /** `would remove 120 entries; notifications: 3 pending, 0 unread; analytics: 0 pending, 5 unread`. */
  text: string;
  /** Whether the trim would take entries some group has not finished with: still pending, or never read. */
  unsafe: boolean;
}

/** What a trim would do, in one line, per group: what it would take from under a consumer or before a read. */
export function summariseTrimPreview(preview: TrimPreview): TrimPreviewSummary {
  if (preview.removes === 0) return { text: 'would remove nothing', unsafe: false };
  // The server stops counting at its cap: a count of exactly that means that many or more. A MAXLEN's removals
  // are not counted but worked out (length less MAXLEN), so one past the cap is exact.
  const count = (n: number) => (n === preview.countCap ? `${formatCount(n)} or more` : formatCount(n));
  const removes = `would remove ${count(preview.removes)} ${preview.removes === 1 ? 'entry' : 'entries'}`;
  const groups = preview.groups.map(
    ({ group, pending, unread }) => `${group}: ${count(pending)} pending, ${count(unread)} unread`,
  );
  return {
    text: [removes, ...groups].join('; '),
    unsafe: preview.groups.some(({ pending, unread }) => pending > 0 || unread > 0),
  };
}

/**
 * What a trim preview's answer depends on, as one string to compare: the stream's length and ends, and each
 * group's cursor and pending count. When it changes, the preview on screen may no longer be true.
 */
export function trimPreviewInputs(snapshot: Snapshot | null): string | null {
  if (snapshot === null) return null;
  const { length, firstEntryId, lastEntryId } = snapshot.stream;
  const groups = snapshot.groups.map((group) => `${group.name}:${group.lastDeliveredId}:${group.pending}`);
  return [length, firstEntryId, lastEntryId, ...groups].join('|');
}
