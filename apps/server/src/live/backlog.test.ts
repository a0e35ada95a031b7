import type { GroupInfo, StreamInfo } from '@streamscope/streams';
import { describe, expect, it } from 'vitest';
import { backlog } from './snapshot-builder.js';

const entry = (id: string) => ({
  id,
  idMs: Number(id.split('-')[0]),
  fields: { type: 'order.paid', ts_ms: '0' },
});
const stream = (first: string, last: string, length: number): StreamInfo => ({
  length,
  radixTreeKeys: 1,
  radixTreeNodes: 2,
  lastGeneratedId: last,
  maxDeletedEntryId: null,
  entriesAdded: null,
  recordedFirstEntryId: first,
  groups: 1,
  firstEntry: entry(first),
  lastEntry: entry(last),
});
const group = (lastDeliveredId: string, lag: number | null, entriesRead: number | null = 5): GroupInfo => ({
  name: 'g',
  consumers: 1,
  pending: 0,
  lastDeliveredId,
  entriesRead,
  lag,
});

describe('a group backlog', () => {
  const ten = stream('100-0', '109-0', 10);

  it('is nothing at the newest entry, whatever Redis 7.0 still counts after a skip', () => {
    expect(backlog(group('109-0', 40), ten)).toEqual({ lag: 0, trimmedUnread: 0 });
  });

  it('behind the oldest entry, is the whole stream, and the rest of the lag is gone', () => {
    expect(backlog(group('50-0', 50), ten)).toEqual({ lag: 10, trimmedUnread: 40 });
  });

  it("in between, is Redis's figure", () => {
    expect(backlog(group('104-0', 5), ten)).toEqual({ lag: 5, trimmedUnread: 0 });
  });

  it('is unknown when Redis cannot tell, and what was trimmed is unknown before the first read', () => {
    expect(backlog(group('50-0', null), ten)).toEqual({ lag: null, trimmedUnread: null });
    expect(backlog(group('0-0', 10, null), ten)).toEqual({ lag: 10, trimmedUnread: null });
  });
});
