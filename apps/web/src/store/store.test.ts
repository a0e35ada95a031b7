import {
  type Hello,
  HISTORY_MAX_POINTS,
  HISTORY_WINDOW_MS,
  type LifecycleEventView,
  type Snapshot,
} from '@streamscope/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { FEED_MAX, LIVE_TAIL_MAX, useDashboard } from './store';
import { TIMELINE_MAX_EVENTS } from './timeline';

const event = (
  id: string,
  kind: LifecycleEventView['kind'],
  ts: number,
  consumer: string | null = 'w',
): LifecycleEventView => ({
  kind,
  id,
  group: kind === 'produced' ? null : 'g',
  consumer: kind === 'produced' ? null : consumer,
  deliveryCount: kind === 'produced' ? null : 1,
  eventType: 'order.paid',
  reason: null,
  ts,
});

const PRODUCER_STOPPED: Snapshot['producer'] = { running: false, rate: 0, eventType: null, failing: null };

/** A server's hello for `streamKey`, its dead-letter stream beside it. */
const helloOf = (streamKey: string): Hello => ({
  type: 'hello',
  version: 1,
  streamKey,
  maxlen: null,
  claimMinIdleMs: 5_000,
  deadLetterKey: `${streamKey}:dlq`,
  maxDeliveries: 5,
  snapshotIntervalMs: 250,
});

/** An `entry.history` answer for an entry not in the stream, with no steps and no groups. */
const NOT_FOUND = {
  id: '',
  entry: null,
  events: [],
  places: [],
  groupsOmitted: 0,
  letters: [],
  lettersComplete: true,
};

describe('dashboard store', () => {
  beforeEach(() => {
    useDashboard.setState({
      feed: [],
      troubleFeed: [],
      workFeed: [],
      feedSeq: 0,
      feedOmitted: 0,
      liveTail: [],
      liveTailOmitted: 0,
      timeline: null,
    });
  });

  it('keeps the newest FEED_MAX lifecycle events and counts what the server left out', () => {
    const { receiveDeliveries } = useDashboard.getState();
    for (let batch = 0; batch < 3; batch += 1) {
      receiveDeliveries(
        Array.from({ length: 150 }, (_, index) => event(`${batch}-${index}`, 'delivered', index)),
        7,
      );
    }
    const { feed, feedOmitted } = useDashboard.getState();
    expect(feed).toHaveLength(FEED_MAX);
    expect(feed.at(-1)?.event.id).toBe('2-149');
    expect(new Set(feed.map((item) => item.seq)).size).toBe(FEED_MAX);
    expect(feedOmitted).toBe(21);
  });

  it('holds every list within its bound over 20 minutes at 5,000 events/s, with resets and a timeline left open', () => {
    // The page's share of the soak in docs/performance.md, without a browser: what the server sends in 20
    // minutes, four times the charts' window (a snapshot every 250 ms, each tick's capped deliveries and
    // tail entries), a poison pill's timeline open throughout, and a reset every seven minutes.
    const snapshot = (at: number, produced: number) =>
      ({
        at,
        stream: { exists: true, entriesAdded: produced, lastGeneratedId: `${produced}-0` },
        totals: { produced },
        groups: [{ name: 'g', deliveredPerSec: 5_000, ackedPerSec: 5_000, pending: 3, lag: 0 }],
        producer: PRODUCER_STOPPED,
        producedPerSec: 5_000,
      }) as unknown as Snapshot;
    useDashboard.setState({ snapshot: null, history: [], resetMarks: [], resetMarkDue: false });
    const store = useDashboard.getState();
    store.openTimeline('poison-0', null);
    let produced = 0;
    const ticks = (20 * 60_000) / 250;
    for (let tick = 0; tick < ticks; tick += 1) {
      const at = 1_000_000 + tick * 250;
      if (tick % ((7 * 60_000) / 250) === 0 && tick > 0) {
        store.streamReset();
        produced = 0;
      }
      produced += 1_250;
      store.receiveSnapshot(snapshot(at, produced));
      store.receiveDeliveries(
        [
          ...Array.from({ length: 20 }, (_, index) => event(`${at}-${index}`, 'acked', at)),
          event('poison-0', 'failed', at),
        ],
        5_000,
      );
      store.receiveLiveTail([{ id: `${at}-0`, idMs: at, fields: {} }], 1_249);
    }
    const state = useDashboard.getState();
    // Each list full, and no fuller: the charts' window of one point a second, the feeds, the tail, the timeline.
    expect(state.history).toHaveLength(HISTORY_MAX_POINTS);
    expect((state.history.at(-1)?.at ?? 0) - (state.history[0]?.at ?? 0)).toBeLessThanOrEqual(
      HISTORY_WINDOW_MS,
    );
    expect(state.feed).toHaveLength(FEED_MAX);
    expect(state.troubleFeed).toHaveLength(FEED_MAX);
    expect(state.liveTail).toHaveLength(LIVE_TAIL_MAX);
    expect(state.timeline?.events).toHaveLength(TIMELINE_MAX_EVENTS);
    // Both resets, at 7 and 14 minutes, are older than the charts' window: no mark is kept for them.
    expect(state.resetMarks).toEqual([]);
  });

  it('keeps trouble apart, so a failure outlives the routine events that follow it', () => {
    const { receiveDeliveries } = useDashboard.getState();
    receiveDeliveries(
      [event('1-0', 'delivered', 1), event('1-0', 'failed', 2), event('2-0', 'dead-lettered', 3)],
      0,
    );
    for (let batch = 0; batch < 3; batch += 1) {
      receiveDeliveries(
        Array.from({ length: 150 }, (_, index) => event(`${batch}-${index}`, 'acked', index)),
        0,
      );
    }
    const { feed, troubleFeed } = useDashboard.getState();
    expect(feed.some((item) => item.event.kind === 'failed')).toBe(false);
    expect(troubleFeed.map((item) => [item.seq, item.event.kind])).toEqual([
      [2, 'failed'],
      [3, 'dead-lettered'],
    ]);
  });

  it("keeps the groups' work apart from produced, so deliveries outlive a flood of appends", () => {
    const { receiveDeliveries } = useDashboard.getState();
    receiveDeliveries([event('1-0', 'delivered', 1), event('1-0', 'acked', 2)], 0);
    receiveDeliveries(
      Array.from({ length: 300 }, (_, index) => event(`2-${index}`, 'produced', index)),
      0,
    );
    const { feed, workFeed } = useDashboard.getState();
    expect(feed.every((item) => item.event.kind === 'produced')).toBe(true);
    expect(workFeed.map((item) => [item.seq, item.event.kind])).toEqual([
      [1, 'delivered'],
      [2, 'acked'],
    ]);
  });

  it('merges the history answer with live events for the open entry, in time order, without duplicates', () => {
    const store = useDashboard.getState();
    store.openTimeline('1-0', 'r1');
    store.receiveDeliveries([event('1-0', 'acked', 30), event('2-0', 'delivered', 31)], 0);
    store.timelineLoaded('r1', {
      id: '1-0',
      entry: { id: '1-0', idMs: 1, fields: { type: 'order.paid' } },
      events: [event('1-0', 'produced', 10), event('1-0', 'delivered', 20), event('1-0', 'acked', 30)],
      places: [{ group: 'g', lastDeliveredId: '1-0', state: 'done' }],
      groupsOmitted: 0,
      letters: [],
      lettersComplete: true,
    });
    const { timeline } = useDashboard.getState();
    expect(timeline?.status).toBe('ready');
    expect(timeline?.events.map((e) => e.kind)).toEqual(['produced', 'delivered', 'acked']);
    expect(timeline?.standing?.places).toEqual([{ group: 'g', lastDeliveredId: '1-0', state: 'done' }]);
    expect(timeline?.standing?.readAt).toEqual(expect.any(Number));
  });

  it('takes a later answer for the open entry as where it stands now, and asks none while it loads', () => {
    const store = useDashboard.getState();
    store.openTimeline('1-0', 'r1');
    store.timelineRefreshing('r2');
    expect(useDashboard.getState().timeline?.requestId).toBe('r1');
    store.timelineLoaded('r1', { ...NOT_FOUND, id: '1-0', events: [event('1-0', 'delivered', 20)] });
    store.timelineRefreshing('r2');
    const place = { group: 'g', lastDeliveredId: '1-0', state: 'done' } as const;
    store.timelineLoaded('r2', {
      ...NOT_FOUND,
      id: '1-0',
      events: [event('1-0', 'acked', 30)],
      places: [place],
    });
    expect(useDashboard.getState().timeline).toMatchObject({
      status: 'ready',
      standing: { places: [place] },
      events: [{ kind: 'delivered' }, { kind: 'acked' }],
    });
  });

  it('ignores a late history answer for an entry no longer shown', () => {
    const store = useDashboard.getState();
    store.openTimeline('1-0', 'r1');
    store.openTimeline('2-0', 'r2');
    store.timelineLoaded('r1', { ...NOT_FOUND, id: '1-0', events: [event('1-0', 'produced', 1)] });
    expect(useDashboard.getState().timeline).toMatchObject({ id: '2-0', status: 'loading', events: [] });
  });

  it('keeps the newest LIVE_TAIL_MAX tail entries once each, and counts every other one: left out by the server, or made way', () => {
    const { receiveLiveTail } = useDashboard.getState();
    const entry = (ms: number) => ({ id: `${ms}-0`, idMs: ms, fields: { type: 'order.paid' } });
    receiveLiveTail(
      Array.from({ length: 40 }, (_, index) => entry(index)),
      0,
    );
    // A re-read after a reconnect repeats entries already shown: they are not shown twice.
    receiveLiveTail(
      Array.from({ length: 30 }, (_, index) => entry(30 + index)),
      4,
    );
    const { liveTail, liveTailOmitted } = useDashboard.getState();
    expect(liveTail).toHaveLength(LIVE_TAIL_MAX);
    expect(liveTail.at(0)?.id).toBe('10-0');
    expect(liveTail.at(-1)?.id).toBe('59-0');
    expect(new Set(liveTail.map((e) => e.id)).size).toBe(LIVE_TAIL_MAX);
    // 60 different entries received, 50 shown, and 4 the server did not send: 14 of the 64 written not shown.
    expect(liveTailOmitted).toBe(14);
  });

  it('forgets what it showed of the old stream when a server comes back on another stream key', () => {
    const store = useDashboard.getState();
    store.receiveHello(helloOf('a:events'));
    store.openTimeline('1-0', 'r1');
    store.receiveLiveTail([{ id: '1-0', idMs: 1, fields: {} }], 0);
    const epoch = useDashboard.getState().streamEpoch;
    // The same server again: nothing to forget.
    store.receiveHello(helloOf('a:events'));
    expect(useDashboard.getState()).toMatchObject({ streamEpoch: epoch, timeline: { id: '1-0' } });
    store.receiveHello(helloOf('b:events'));
    const after = useDashboard.getState();
    // Forms holding results about the old stream (a produced ID, replayed entries) drop them on a new epoch.
    expect(after.streamEpoch).toBe(epoch + 1);
    expect(after.timeline).toBeNull();
    expect(after.liveTail).toEqual([]);
  });

  it('a server restarted without a reset, its totals back at zero, is not taken for a recreated stream', () => {
    const hello = helloOf('c:events');
    const snapshot = (entriesAdded: number, produced: number) =>
      ({
        stream: { exists: true, entriesAdded, lastGeneratedId: `${entriesAdded}-0` },
        totals: { produced },
        groups: [],
        producer: PRODUCER_STOPPED,
      }) as unknown as Snapshot;
    const store = useDashboard.getState();
    store.receiveHello(hello);
    store.receiveSnapshot(snapshot(100, 100));
    const epoch = useDashboard.getState().streamEpoch;
    store.receiveHello(hello); // the server came back
    store.receiveSnapshot(snapshot(105, 5));
    expect(useDashboard.getState().streamEpoch).toBe(epoch);
    // Within one connection, totals going back still mean this server reset the stream.
    store.receiveSnapshot(snapshot(110, 0));
    expect(useDashboard.getState().streamEpoch).toBe(epoch + 1);
  });

  it("notes when the stream is deleted by something other than this server's reset, and forgets it at a reset of its own", () => {
    const hello = helloOf('d:events');
    const snapshot = (at: number, exists: boolean, produced: number) =>
      ({
        at,
        stream: { exists, entriesAdded: exists ? 100 : null, lastGeneratedId: exists ? '100-0' : null },
        totals: { produced },
        resets: 0,
        groups: [],
        producer: PRODUCER_STOPPED,
      }) as unknown as Snapshot;
    const store = useDashboard.getState();
    store.receiveHello(hello);
    store.receiveSnapshot(snapshot(1_000, true, 100));
    expect(useDashboard.getState().streamLostAt).toBeNull();
    // Redis restarted without its data: the key is gone, this server's totals go on.
    store.receiveSnapshot(snapshot(2_000, false, 100));
    expect(useDashboard.getState().streamLostAt).toBe(2_000);
    store.receiveSnapshot(snapshot(3_000, false, 100));
    expect(useDashboard.getState().streamLostAt).toBe(2_000);
    store.streamReset();
    expect(useDashboard.getState().streamLostAt).toBeNull();
  });

  it('says since when snapshots fail its checks, and forgets it at the first one it reads', () => {
    const store = useDashboard.getState();
    store.receiveUnreadableSnapshot('dlq.newest.0.ts: expected number');
    const { since } = useDashboard.getState().unreadableSnapshots ?? { since: 0 };
    store.receiveUnreadableSnapshot('dlq.newest.1.ts: expected number');
    // Since the first one, saying the latest one's problem.
    expect(useDashboard.getState().unreadableSnapshots).toEqual({
      since,
      issue: 'dlq.newest.1.ts: expected number',
    });
    store.receiveSnapshot({
      stream: { exists: true, entriesAdded: 1, lastGeneratedId: '1-0' },
      totals: { produced: 1 },
      groups: [],
      producer: PRODUCER_STOPPED,
    } as unknown as Snapshot);
    expect(useDashboard.getState().unreadableSnapshots).toBeNull();
  });

  describe('after a reset', () => {
    const snapshot = (at: number, entriesAdded: number) =>
      ({
        at,
        stream: { exists: true, entriesAdded, lastGeneratedId: `${entriesAdded}-0` },
        totals: { produced: entriesAdded },
        groups: [],
        producer: PRODUCER_STOPPED,
        producedPerSec: 0,
      }) as unknown as Snapshot;

    beforeEach(() => {
      useDashboard.setState({
        snapshot: null,
        snapshotBeforeHello: false,
        history: [],
        resetMarks: [],
        resetMarkDue: false,
      });
    });

    const fill = () => {
      const store = useDashboard.getState();
      store.receiveSnapshot(snapshot(1_000, 100));
      store.receiveDeliveries([event('1-0', 'delivered', 1), event('1-0', 'failed', 2)], 3);
      store.receiveLiveTail([{ id: '1-0', idMs: 1, fields: {} }], 2);
      store.openTimeline('1-0', 'r1');
    };

    const expectForgotten = () => {
      const state = useDashboard.getState();
      expect(state).toMatchObject({
        feed: [],
        troubleFeed: [],
        workFeed: [],
        feedOmitted: 0,
        liveTail: [],
        liveTailOmitted: 0,
      });
      // The timeline stays open, saying its entry went with the stream, and takes no late answer.
      expect(state.timeline).toMatchObject({ id: '1-0', deletedByReset: true, events: [], requestId: null });
      state.timelineLoaded('r1', { ...NOT_FOUND, id: '1-0', events: [event('1-0', 'produced', 1)] });
      expect(useDashboard.getState().timeline?.events).toEqual([]);
    };

    it("forgets the old stream's events, tail and timeline at once on this page's own reset, and marks the charts", () => {
      fill();
      const epoch = useDashboard.getState().streamEpoch;
      useDashboard.getState().streamReset();
      expect(useDashboard.getState().streamEpoch).toBe(epoch + 1);
      expectForgotten();
      // Marked at the next snapshot, on the charts' clock; learnt again from that snapshot, still one mark.
      useDashboard.getState().receiveSnapshot(snapshot(2_000, 0));
      useDashboard.getState().receiveSnapshot(snapshot(2_250, 0));
      expect(useDashboard.getState().resetMarks).toEqual([2_000]);
    });

    it('forgets them too when the snapshots show another page reset the stream', () => {
      fill();
      useDashboard.getState().receiveSnapshot(snapshot(2_000, 5));
      expectForgotten();
      expect(useDashboard.getState().resetMarks).toEqual([2_000]);
    });
  });
});
