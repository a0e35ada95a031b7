import {
  appendHistory,
  type CommandResults,
  type EntryView,
  type Health,
  type Hello,
  type HistoryPoint,
  historyPoint,
  type LifecycleEventView,
  mergeHistory,
  type Snapshot,
} from '@streamscope/protocol';
import { create } from 'zustand';
import { isTrouble } from '../lib/lifecycle';
import { type ProducerRun, producerRunAfter } from './producer-run';
import { addResetMark, resetMarksWithin } from './reset-marks';
import { streamLostElsewhere, streamRecreated } from './stream-recreated';
import { mergeTimelineEvents, type TimelineState } from './timeline';

/** The live feed keeps only the newest lifecycle events; at thousands a second older ones are noise. */
export const FEED_MAX = 200;

/** The live tail keeps the newest entries only: it is for watching new writes go by, replay is for history. */
export const LIVE_TAIL_MAX = 50;

export type ConnectionStatus = 'connecting' | 'open' | 'waiting';

export interface ConnectionState {
  status: ConnectionStatus;
  /** When the next attempt starts, while `waiting`. */
  retryAt: number | null;
  /** Attempts that failed in a row since the last open connection. */
  failures: number;
  /** Whether this page has been connected at least once, to tell "connecting" from "reconnecting". */
  everConnected: boolean;
  /**
   * Why the server turned the page's WebSocket away (its token is missing or wrong, or its origin foreign), as a
   * plain request to the same address said after a handshake failed; `null` when it did not.
   */
  refused: string | null;
}

export interface FeedItem {
  /** A local sequence number: events carry no id of their own, and React needs a stable key. */
  seq: number;
  event: LifecycleEventView;
}

export type CommandOutcome = { ok: true; result: unknown } | { ok: false; code: string; message: string };

export interface LastResult {
  /** `null` for a server error too broken to carry one. */
  requestId: string | null;
  command: string;
  at: number;
  outcome: CommandOutcome;
}

export interface State {
  connection: ConnectionState;
  hello: Hello | null;
  /**
   * The protocol version the server said it speaks, also from a hello this page could not read (a newer
   * server's): the header asks for a reload when it is not this page's.
   */
  serverVersion: number | null;
  /** Set while the server cannot build snapshots (Redis away): the snapshot held is its last good one. */
  health: Health | null;
  /**
   * Set while the snapshots that come fail this page's schema (a server bug, or data it let through unchecked):
   * dropped, they left the figures frozen under a "connected" badge with nothing said. Since when, and why.
   */
  unreadableSnapshots: { since: number; issue: string } | null;
  snapshot: Snapshot | null;
  history: HistoryPoint[];
  feed: FeedItem[];
  /**
   * The newest events off the happy path, at most {@link FEED_MAX}, kept apart from `feed`: at thousands of
   * events a second a failure leaves the newest 200 within a tick, and "Trouble only" would show nothing.
   */
  troubleFeed: FeedItem[];
  /**
   * The newest events but `produced`, at most {@link FEED_MAX}, kept apart likewise: at 3,000 events a second
   * the newest 200 were nearly all `produced`, and no group's work was in view.
   */
  workFeed: FeedItem[];
  feedSeq: number;
  /** Events the server counted but did not send (its per-tick cap), summed since the page loaded. */
  feedOmitted: number;
  /** Entries the server's read-only XREAD tail saw, oldest first, at most {@link LIVE_TAIL_MAX}. */
  liveTail: EntryView[];
  /** Tail entries the server counted but did not send (it sends the newest each tick), summed since the page loaded. */
  liveTailOmitted: number;
  lastResult: LastResult | null;
  timeline: TimelineState | null;
  /** Counts the times the stream was deleted and made again (a reset here or elsewhere) since the page loaded. */
  streamEpoch: number;
  /**
   * When this page saw the stream made again, on the charts' clock (the first snapshot after it), within their
   * window: the charts keep their history across a reset, a line saying where it happened.
   */
  resetMarks: readonly number[];
  /** This page's own reset answered: the next snapshot marks it on the charts. */
  resetMarkDue: boolean;
  /**
   * When this page saw the stream deleted or made again by something other than this server's reset (see
   * `streamLostElsewhere`), on the snapshots' clock; `null` when it has not, or after a reset of this server's.
   */
  streamLostAt: number | null;
  /** Whether `snapshot` came over an earlier connection than the next one will (a hello came in between). */
  snapshotBeforeHello: boolean;
  /** The continuous producer's run, from when this page saw it start at its rate: its shortfall is judged after. */
  producerRun: ProducerRun | null;

  setConnection: (patch: Partial<ConnectionState>) => void;
  receiveHello: (hello: Hello) => void;
  /** A hello too different to parse still names its version. */
  receiveServerVersion: (version: number) => void;
  receiveSnapshot: (snapshot: Snapshot) => void;
  /** The chart history the server kept, sent after `hello`: a reloaded page draws its last minutes at once. */
  receiveHistory: (points: readonly HistoryPoint[]) => void;
  receiveHealth: (health: Health) => void;
  /** A snapshot this page could not read (see `unreadableSnapshots`); the next one it reads clears it. */
  receiveUnreadableSnapshot: (issue: string) => void;
  receiveDeliveries: (events: readonly LifecycleEventView[], omitted: number) => void;
  receiveLiveTail: (entries: readonly EntryView[], omitted: number) => void;
  recordLastResult: (lastResult: LastResult) => void;
  /** This page's own reset succeeded: what panels show about the old stream goes at once. */
  streamReset: () => void;
  openTimeline: (id: string, requestId: string | null) => void;
  timelineLoaded: (requestId: string, result: CommandResults['entry.history']) => void;
  /** Opens the timeline on an `entry.history` answer the page already has. */
  timelineShown: (result: CommandResults['entry.history']) => void;
  /** Another `entry.history` of the open, loaded entry is on its way (see `refreshEntryPlaces`). */
  timelineRefreshing: (requestId: string) => void;
  timelineFailed: (requestId: string | null, message: string) => void;
  closeTimeline: () => void;
}

/**
 * What the page drops when the stream is deleted and made again (a reset, from this page or another): the live
 * feed's and live tail's events and entries, and the open timeline's steps, were all of entries that no longer
 * exist, whose IDs would open timelines of nothing. The timeline stays open, saying so, rather than vanish from
 * under the reader. Forms' results go by the new epoch (see useOnStreamReset); the charts keep their history,
 * which is of time, not of entries, with a mark where the reset happened.
 */
function forgetStream(state: State): Partial<State> {
  const { timeline } = state;
  return {
    streamEpoch: state.streamEpoch + 1,
    feed: [],
    troubleFeed: [],
    workFeed: [],
    feedOmitted: 0,
    liveTail: [],
    liveTailOmitted: 0,
    timeline:
      timeline === null
        ? null
        : {
            ...timeline,
            // A history answer still on its way is of the old stream too.
            requestId: null,
            status: 'ready',
            error: null,
            entry: null,
            missing: true,
            events: [],
            standing: null,
            deletedByReset: true,
          },
  };
}

/** The timeline of `id` as it opens, its history asked for by `requestId`. */
function loadingTimeline(id: string, requestId: string | null): TimelineState {
  return {
    id,
    requestId,
    status: 'loading',
    error: null,
    entry: null,
    missing: false,
    events: [],
    standing: null,
    deletedByReset: false,
  };
}

/** `timeline` with its history's answer: the steps merged with those that came live meanwhile. */
function loadedTimeline(timeline: TimelineState, result: CommandResults['entry.history']): TimelineState {
  const { places, groupsOmitted, letters, lettersComplete } = result;
  return {
    ...timeline,
    status: 'ready',
    entry: result.entry,
    missing: result.entry === null,
    events: mergeTimelineEvents(timeline.events, result.events),
    standing: { places, groupsOmitted, letters, lettersComplete, readAt: Date.now() },
  };
}

export const useDashboard = create<State>()((set) => ({
  connection: { status: 'connecting', retryAt: null, failures: 0, everConnected: false, refused: null },
  hello: null,
  serverVersion: null,
  health: null,
  unreadableSnapshots: null,
  snapshot: null,
  history: [],
  feed: [],
  troubleFeed: [],
  workFeed: [],
  feedSeq: 0,
  feedOmitted: 0,
  liveTail: [],
  liveTailOmitted: 0,
  lastResult: null,
  timeline: null,
  streamEpoch: 0,
  resetMarks: [],
  resetMarkDue: false,
  streamLostAt: null,
  snapshotBeforeHello: false,
  producerRun: null,

  setConnection: (patch) => set((state) => ({ connection: { ...state.connection, ...patch } })),

  receiveHello: (hello) =>
    set((state) =>
      // Another stream behind the same address: its past is not this one's.
      // A server (re)connected to is healthy unless it says otherwise right after its hello.
      state.hello !== null && state.hello.streamKey !== hello.streamKey
        ? {
            hello,
            serverVersion: hello.version,
            health: null,
            snapshot: null,
            history: [],
            feed: [],
            troubleFeed: [],
            workFeed: [],
            feedOmitted: 0,
            liveTail: [],
            liveTailOmitted: 0,
            // The open entry is one of the old stream's, and forms' results (a produced ID, replayed entries,
            // a trim's count) are about it too: a new epoch tells them so, as a reset does.
            timeline: null,
            streamEpoch: state.streamEpoch + 1,
            resetMarks: [],
            resetMarkDue: false,
            streamLostAt: null,
            snapshotBeforeHello: false,
          }
        : { hello, serverVersion: hello.version, health: null, snapshotBeforeHello: state.snapshot !== null },
    ),

  receiveServerVersion: (serverVersion) => set({ serverVersion }),

  receiveHistory: (points) => set((state) => ({ history: mergeHistory(state.history, points) })),

  receiveHealth: (health) => set({ health: health.failingSince === null ? null : health }),

  receiveUnreadableSnapshot: (issue) =>
    set((state) => ({
      unreadableSnapshots: { since: state.unreadableSnapshots?.since ?? Date.now(), issue },
    })),

  receiveSnapshot: (snapshot) =>
    set((state) => {
      const history = appendHistory(state.history, historyPoint(snapshot));
      const sameConnection = !state.snapshotBeforeHello;
      const recreated =
        state.snapshot !== null && streamRecreated(state.snapshot, snapshot, { sameConnection });
      // This page's own reset counts in `resets` as every other reset of this server does: no exception for it.
      const lost =
        state.snapshot !== null && streamLostElsewhere(state.snapshot, snapshot, { sameConnection });
      const marks =
        recreated || state.resetMarkDue ? addResetMark(state.resetMarks, snapshot.at) : state.resetMarks;
      return {
        snapshot,
        unreadableSnapshots: null,
        history,
        snapshotBeforeHello: false,
        resetMarks: resetMarksWithin(marks, history),
        resetMarkDue: false,
        // A reset of this server's (from any page) counts in `resets`, and is marked on the charts only.
        streamLostAt: lost ? snapshot.at : recreated ? null : state.streamLostAt,
        producerRun: producerRunAfter(state.producerRun, snapshot.producer, snapshot.at),
        ...(recreated ? forgetStream(state) : {}),
      };
    }),

  receiveDeliveries: (events, omitted) =>
    set((state) => {
      if (events.length === 0 && omitted === 0) return {};
      // Every event gets a number, so one in both lists is the same row key in either.
      const numbered = events.map((event, index) => ({ seq: state.feedSeq + index + 1, event }));
      const items = numbered.length > FEED_MAX ? numbered.slice(-FEED_MAX) : numbered;
      const keep = FEED_MAX - items.length;
      const feed = keep > 0 ? [...state.feed.slice(-keep), ...items] : items;
      const troubleFeed = keptApart(state.troubleFeed, numbered, (event) => isTrouble(event));
      const workFeed = keptApart(state.workFeed, numbered, (event) => event.kind !== 'produced');
      const { timeline } = state;
      // The open timeline takes every event for its entry, also those the feed's cap drops.
      const forTimeline = timeline === null ? [] : events.filter((event) => event.id === timeline.id);
      return {
        feed,
        troubleFeed,
        workFeed,
        feedSeq: state.feedSeq + events.length,
        feedOmitted: state.feedOmitted + omitted,
        ...(timeline !== null && forTimeline.length > 0
          ? { timeline: { ...timeline, events: mergeTimelineEvents(timeline.events, forTimeline) } }
          : {}),
      };
    }),

  receiveLiveTail: (entries, omitted) =>
    set((state) => {
      if (entries.length === 0 && omitted === 0) return {};
      // IDs key the rows: an entry seen twice (the tail re-reading after a reconnect) is shown once.
      const seen = new Set(state.liveTail.map((entry) => entry.id));
      const fresh: EntryView[] = [];
      for (const entry of entries) {
        if (seen.has(entry.id)) continue;
        seen.add(entry.id);
        fresh.push(entry);
      }
      // Those that older entries make way for are passed over too: the panel's count is of every entry written
      // since it opened that it does not show, not only of those the server did not send.
      const madeWay = Math.max(0, state.liveTail.length + fresh.length - LIVE_TAIL_MAX);
      const liveTail =
        fresh.length === 0 ? state.liveTail : [...state.liveTail, ...fresh].slice(-LIVE_TAIL_MAX);
      return { liveTail, liveTailOmitted: state.liveTailOmitted + omitted + madeWay };
    }),

  recordLastResult: (lastResult) => set({ lastResult }),

  streamReset: () => set((state) => ({ ...forgetStream(state), resetMarkDue: true, streamLostAt: null })),

  openTimeline: (id, requestId) => set({ timeline: loadingTimeline(id, requestId) }),

  timelineShown: (result) => set({ timeline: loadedTimeline(loadingTimeline(result.id, null), result) }),

  timelineLoaded: (requestId, result) =>
    set((state) => {
      const { timeline } = state;
      if (timeline === null || timeline.requestId !== requestId) return {};
      return { timeline: loadedTimeline(timeline, result) };
    }),

  timelineRefreshing: (requestId) =>
    set((state) => {
      const { timeline } = state;
      if (timeline === null || timeline.status !== 'ready' || timeline.deletedByReset) return {};
      return { timeline: { ...timeline, requestId } };
    }),

  timelineFailed: (requestId, message) =>
    set((state) => {
      const { timeline } = state;
      if (timeline === null || timeline.requestId !== requestId) return {};
      return { timeline: { ...timeline, status: 'error', error: message } };
    }),

  closeTimeline: () => set({ timeline: null }),
}));

/** Whether the figures on the page no longer move: the socket is down, or the server cannot read Redis. */
export function figuresStale(state: Pick<State, 'snapshot' | 'connection' | 'health'>): boolean {
  return state.snapshot !== null && (state.connection.status !== 'open' || state.health !== null);
}

/** `kept` with the `items` that `belongs` takes, the newest {@link FEED_MAX}; `kept` itself when none is new. */
function keptApart(
  kept: FeedItem[],
  items: readonly FeedItem[],
  belongs: (event: FeedItem['event']) => boolean,
): FeedItem[] {
  const added = items.filter((item) => belongs(item.event));
  return added.length === 0 ? kept : [...kept, ...added].slice(-FEED_MAX);
}
