import type { HistoryPoint, Snapshot } from '@streamscope/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LiveClient, LiveHub, type LiveHubOptions, stalledReason } from './live-hub.js';
import { TickBuffer } from './tick-buffer.js';

const emptySnapshot: Omit<Snapshot, 'seq' | 'at'> = {
  type: 'snapshot',
  stream: {
    key: 's',
    exists: true,
    length: 0,
    firstEntryId: null,
    lastEntryId: null,
    lastGeneratedId: null,
    entriesAdded: 0,
  },
  tail: [],
  groups: [],
  groupsOmitted: 0,
  pending: { rows: [], omitted: 0 },
  resets: 0,
  totals: { produced: 0, acked: 0, claimed: 0, deadLettered: 0 },
  dlq: { key: 's:dlq', length: 0, newest: [] },
  retention: { maxAgeMs: null },
  thresholds: { lag: 0, pending: 0, oldestPendingMs: 0, consumerIdleMs: 0 },
  alerts: [],
  producer: { running: false, rate: 0, eventType: null, failing: null },
  producedPerSec: 0,
  claimMinIdleMs: 200,
  maxlen: 2000,
};

const hello = {
  type: 'hello',
  version: 1,
  streamKey: 's',
  maxlen: 2000,
  claimMinIdleMs: 200,
  deadLetterKey: 's:dlq',
  maxDeliveries: 5,
} as const;

/** A chart point of no activity, taken at `at`. */
const quietPoint = (at: number): HistoryPoint => ({ at, producedPerSec: 0, entriesAdded: 0, groups: {} });

/** What the hubs of the outage tests share: their errors and recoveries go to `logged` as `asked: what`. */
function loggingTo(
  logged: string[],
): Pick<LiveHubOptions, 'feed' | 'tailFeed' | 'hello' | 'onError' | 'onRecovered'> {
  return {
    feed: new TickBuffer(500),
    tailFeed: new TickBuffer(100),
    hello,
    onError: (error, asked) => logged.push(`${asked}: ${(error as Error).message}`),
    onRecovered: (outageMs, asked) => logged.push(`${asked}: answers again after ${outageMs} ms`),
  };
}

/** A hub on fake timers whose snapshot builds take `buildMs` each; `sent` is what one client received. */
function hubWithBuildsOf(buildMs: number) {
  let seq = 0;
  const hub = new LiveHub({
    buildSnapshot: async () => {
      await new Promise((resolve) => setTimeout(resolve, buildMs));
      seq += 1;
      return { ...emptySnapshot, seq, at: Date.now() };
    },
    feed: new TickBuffer(500),
    tailFeed: new TickBuffer(100),
    hello,
  });
  const sent: { type: string; seq?: number; at?: number }[] = [];
  const client: LiveClient = {
    send: (data) => sent.push(JSON.parse(data)),
    close: () => {},
    bufferedAmount: 0,
  };
  hub.add(client);
  hub.start();
  const snapshots = () => sent.filter((message) => message.type === 'snapshot');
  return { hub, snapshots };
}

// The cadence, on a clock the test controls: the live-socket test with 50 real clients checks that each gets
// every snapshot once and not faster than this, but how much slower a loaded machine makes it is no behaviour.
describe('LiveHub cadence', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('builds a snapshot for a page as it arrives, then pushes one every 250 ms', async () => {
    const { hub, snapshots } = hubWithBuildsOf(5);
    await vi.advanceTimersByTimeAsync(2_000 + 5);
    expect(snapshots().map((snapshot) => snapshot.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(snapshots().map((snapshot) => snapshot.at)).toEqual(
      Array.from({ length: 9 }, (_, index) => 1_000_000 + index * 250 + 5),
    );
    await hub.stop();
  });

  it('skips the ticks that fall while a slow build runs, rather than queueing them', async () => {
    const { hub, snapshots } = hubWithBuildsOf(600);
    // Builds start as the page arrives and at ticks 750, 1500: each one runs over the two ticks after it.
    await vi.advanceTimersByTimeAsync(2_200);
    expect(snapshots().map((snapshot) => snapshot.at)).toEqual([1_000_600, 1_001_350, 1_002_100]);
    await hub.stop();
  });
});

describe('LiveHub health', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells the pages their figures froze when a build waits on Redis past stallMs, and when it answers', async () => {
    let answer: (() => void) | undefined;
    let builds = 0;
    const logged: string[] = [];
    const hub = new LiveHub({
      buildSnapshot: async () => {
        builds += 1;
        // The second build hangs, as one does on a Redis that holds its replies.
        if (builds === 2) await new Promise<void>((resolve) => (answer = resolve));
        return { ...emptySnapshot, seq: builds, at: Date.now() };
      },
      stallMs: 2_000,
      ...loggingTo(logged),
    });
    const health: { failingSince: number | null; reason: string | null }[] = [];
    hub.add({
      send: (data) => {
        const message = JSON.parse(data);
        if (message.type === 'health') health.push(message);
      },
      close: () => {},
      bufferedAmount: 0,
    });
    hub.start();
    await vi.advanceTimersByTimeAsync(250 + 1_750);
    expect(health).toEqual([]); // the first as the page arrived; the second asked for at 250, unanswered for 1,750 ms
    await vi.advanceTimersByTimeAsync(250);
    expect(health).toEqual([{ type: 'health', failingSince: 1_000_250, reason: stalledReason(2_000) }]);
    expect(health[0]?.reason).toMatch(/^Redis has not answered for over 2 s: /);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(health).toHaveLength(1); // once per outage
    answer?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(health.at(-1)).toEqual({ type: 'health', failingSince: null, reason: null });
    // The log heard both, once each: it heard of the stall only, and an operator took Redis for stuck still.
    expect(logged).toEqual([`snapshot: ${stalledReason(2_000)}`, 'snapshot: answers again after 7000 ms']);
    await hub.stop();
  });

  it('with no page open, takes samples instead, and logs an outage and its end once each', async () => {
    let redisUp = true;
    let samples = 0;
    let builds = 0;
    const logged: string[] = [];
    const hub = new LiveHub({
      buildSnapshot: async () => {
        builds += 1;
        if (!redisUp) throw new Error('Connection is closed.');
        return { ...emptySnapshot, seq: builds, at: Date.now() };
      },
      sample: async () => {
        samples += 1;
        if (!redisUp) throw new Error('Connection is closed.');
        return quietPoint(Date.now());
      },
      describeFailure: () => 'Redis is unavailable',
      ...loggingTo(logged),
    });
    hub.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect([samples, builds]).toEqual([4, 0]);
    redisUp = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(logged).toEqual(['sample: Connection is closed.']);
    // A page that opens meanwhile hears of the outage at once, and its snapshots take over from the samples.
    const health: { failingSince: number | null }[] = [];
    const page: LiveClient = {
      send: (data) => {
        const message = JSON.parse(data);
        if (message.type === 'health') health.push(message);
      },
      close: () => {},
      bufferedAmount: 0,
    };
    hub.add(page);
    expect(health).toEqual([{ type: 'health', failingSince: 1_001_250, reason: 'Redis is unavailable' }]);
    hub.remove(page);
    await vi.advanceTimersByTimeAsync(1_000);
    redisUp = true;
    await vi.advanceTimersByTimeAsync(250);
    expect(logged).toEqual(['sample: Connection is closed.', 'sample: answers again after 6000 ms']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(logged).toHaveLength(2);
    expect(builds).toBe(1); // the page's own, on arrival, which failed as the samples did
    await hub.stop();
  });

  it('with no page open, a sample that Redis leaves unanswered past stallMs is an outage too', async () => {
    let answer: (() => void) | undefined;
    const logged: string[] = [];
    const hub = new LiveHub({
      buildSnapshot: async () => ({ ...emptySnapshot, seq: 1, at: Date.now() }),
      sample: () => new Promise<HistoryPoint>((resolve) => (answer = () => resolve(quietPoint(Date.now())))),
      stallMs: 2_000,
      ...loggingTo(logged),
    });
    hub.start();
    await vi.advanceTimersByTimeAsync(250 + 2_000);
    expect(logged).toEqual([`sample: ${stalledReason(2_000)}`]);
    await vi.advanceTimersByTimeAsync(3_000);
    answer?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(logged).toEqual([`sample: ${stalledReason(2_000)}`, 'sample: answers again after 5000 ms']);
    await hub.stop();
  });
});

describe('LiveHub history', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('keeps sampling while no page watches, and a page that opens gets those minutes, then a fresh snapshot', async () => {
    let builds = 0;
    const hub = new LiveHub({
      buildSnapshot: async () => ({ ...emptySnapshot, seq: ++builds, at: Date.now() }),
      sample: async () => quietPoint(Date.now()),
      feed: new TickBuffer(500),
      tailFeed: new TickBuffer(100),
      hello,
    });
    const received = (into: { type: string; seq?: number; points?: HistoryPoint[] }[]): LiveClient => ({
      send: (data) => into.push(JSON.parse(data)),
      close: () => {},
      bufferedAmount: 0,
    });
    hub.start();
    const first: { type: string; seq?: number }[] = [];
    const firstPage = received(first);
    hub.add(firstPage);
    await vi.advanceTimersByTimeAsync(1_000);
    hub.remove(firstPage);
    const watchedUntil = Date.now();
    await vi.advanceTimersByTimeAsync(10_000);

    const later: { type: string; seq?: number; points?: HistoryPoint[] }[] = [];
    hub.add(received(later));
    const points = later.find((message) => message.type === 'history')?.points ?? [];
    // A point a second, with no gap over the ten seconds no page watched.
    expect(points.map((point) => Math.floor(point.at / 1_000))).toEqual(
      Array.from({ length: 12 }, (_, index) => 1_000 + index),
    );
    expect(points.at(-1)?.at).toBeGreaterThan(watchedUntil + 9_000);
    // The snapshot the first page saw last is ten seconds older than that history: not sent, a new one is.
    expect(later.map((message) => message.type)).toEqual(['hello', 'history']);
    await vi.advanceTimersByTimeAsync(0);
    expect(later.at(-1)).toMatchObject({ type: 'snapshot', seq: builds });
    expect(builds).toBeGreaterThan(Math.max(...first.map((message) => message.seq ?? 0)));
    await hub.stop();
  });
});

describe('LiveHub watchers', () => {
  it('says when the first page comes and the last goes, whether it left, was too slow, or was closed', async () => {
    const watched: boolean[] = [];
    const hub = new LiveHub({
      buildSnapshot: async () => ({ ...emptySnapshot, seq: 1, at: Date.now() }),
      feed: new TickBuffer(500),
      tailFeed: new TickBuffer(100),
      hello,
      hardBufferBytes: 100,
      onWatched: (value) => watched.push(value),
    });
    const client = (bufferedAmount = 0): LiveClient => ({ send: () => {}, close: () => {}, bufferedAmount });
    const [first, second] = [client(), client()];
    hub.add(first);
    hub.add(second);
    hub.remove(first);
    hub.remove(first);
    expect(watched).toEqual([true]);
    hub.remove(second);
    expect(watched).toEqual([true, false]);

    const slow = client(1_000);
    hub.add(slow);
    hub.sendTo(slow, { type: 'health', failingSince: null, reason: null });
    expect(hub.clientCount).toBe(0);
    expect(watched).toEqual([true, false, true, false]);

    hub.add(client());
    hub.closeAll(1001, 'server shutting down');
    hub.closeAll(1001, 'server shutting down');
    expect(watched).toEqual([true, false, true, false, true, false]);
    await hub.stop();
  });
});
