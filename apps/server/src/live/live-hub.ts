import {
  appendHistory,
  type EntryView,
  type Health,
  type Hello,
  type History,
  type HistoryPoint,
  historyPoint,
  type LifecycleEventView,
  type ServerMessage,
  type Snapshot,
} from '@streamscope/protocol';
import type { TickBuffer } from './tick-buffer.js';

/** What the hub needs of one browser connection (a `ws` WebSocket fits). */
export interface LiveClient {
  send(data: string): void;
  close(code: number, reason: string): void;
  readonly bufferedAmount: number;
}

export interface LiveHubOptions {
  readonly buildSnapshot: () => Promise<Snapshot>;
  /** Lifecycle events of the tick, sent as one `deliveries` message. */
  readonly feed: TickBuffer<LifecycleEventView>;
  /** New entries the read-only tail saw this tick, sent as one `tail` message. */
  readonly tailFeed: TickBuffer<EntryView>;
  /** The greeting; the hub adds its own snapshot cadence. */
  readonly hello: Omit<Hello, 'snapshotIntervalMs'>;
  /** Snapshot cadence; about four a second keeps charts lively at a negligible Redis cost. */
  readonly intervalMs?: number;
  /** A client with more than this still unsent skips ticks until it catches up. */
  readonly softBufferBytes?: number;
  /** A client with more than this unsent is too slow to keep: it is disconnected. */
  readonly hardBufferBytes?: number;
  /**
   * Told once when snapshots start failing or stall (and samples, while no page watches), with what was asked of
   * Redis then: not again until they work again.
   */
  readonly onError?: (error: unknown, asked: RedisAsk) => void;
  /** Told once when they work again after that, with how long they had failed or stalled, and what answered. */
  readonly onRecovered?: (outageMs: number, asked: RedisAsk) => void;
  /**
   * Taken each tick while no page watches, in place of a snapshot: what the charts draw of the moment, kept in the
   * history a page gets on opening, so its charts reach back over the minutes no page watched. It is how Redis is
   * heard while none does, too: an outage that began or ended with no page open is told to the log all the same.
   * Its failures and stalls count as a snapshot's do, once per outage each way, and the first page to come hears of
   * one still under way.
   */
  readonly sample?: () => Promise<HistoryPoint>;
  /** Told when the first page connects (`true`) and when the last one leaves (`false`). */
  readonly onWatched?: (watched: boolean) => void;
  /** How a failed snapshot is explained to the pages (the API's wording); the error's text by default. */
  readonly describeFailure?: (error: unknown) => string;
  /**
   * A build still unanswered after this long makes the pages say their figures froze (see `stalledReason`), as a
   * failed one does: a Redis that holds its replies (DEBUG SLEEP, CLIENT PAUSE, a slow script, a network that
   * drops packets without closing the connection) fails nothing, and the page showed old figures as live.
   */
  readonly stallMs?: number;
}

/** What the hub was asking of Redis: a snapshot for the pages, or, while none watches, a sample. */
export type RedisAsk = 'snapshot' | 'sample';

/** What the pages are told while a snapshot waits on Redis past `stallMs`. */
export function stalledReason(stallMs: number): string {
  return `Redis has not answered for over ${stallMs / 1000} s: busy with a long command or script, paused (CLIENT PAUSE), or cut off without the connection closing`;
}

/** Close code for a client that cannot keep up (the "try again later" of RFC 6455's registry). */
export const CLOSE_TOO_SLOW = 1013;

/**
 * Pushes the live picture to every browser: a snapshot per tick, built once and serialised once however
 * many clients there are, and the tick's lifecycle events. Slow clients skip ticks rather than queue them.
 */
export class LiveHub {
  readonly #clients = new Set<LiveClient>();
  readonly #options: Required<
    Omit<LiveHubOptions, 'onError' | 'onRecovered' | 'sample' | 'describeFailure' | 'onWatched'>
  > &
    Pick<LiveHubOptions, 'onError' | 'onRecovered' | 'sample' | 'describeFailure' | 'onWatched'>;
  readonly #hello: string;
  #health: Health = { type: 'health', failingSince: null, reason: null };
  #timer: NodeJS.Timeout | undefined;
  #building: Promise<void> | undefined;
  /** When the build (or sample) in flight was asked for, and which it is. */
  #buildStartedAt = 0;
  #asking: RedisAsk = 'snapshot';
  #again = false;
  #latest: string | undefined;
  /** The charts' last minutes, from snapshots while pages watch and samples while none does, for pages that open. */
  #history: HistoryPoint[] = [];

  constructor(options: LiveHubOptions) {
    this.#options = {
      intervalMs: 250,
      softBufferBytes: 1 << 20,
      hardBufferBytes: 8 << 20,
      stallMs: 2_000,
      ...options,
    };
    this.#hello = JSON.stringify({
      ...options.hello,
      snapshotIntervalMs: this.#options.intervalMs,
    } satisfies Hello);
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#tick(), this.#options.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#building;
  }

  /** The snapshot cadence. */
  get intervalMs(): number {
    return this.#options.intervalMs;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Greets the client and gives it the charts' history and the latest picture at once, before the next tick. */
  add(client: LiveClient): void {
    this.#clients.add(client);
    if (this.#clients.size === 1) this.#options.onWatched?.(true);
    client.send(this.#hello);
    if (this.#history.length > 0) {
      client.send(JSON.stringify({ type: 'history', points: this.#history } satisfies History));
    }
    if (this.#latest) client.send(this.#latest);
    if (this.#health.failingSince !== null) client.send(JSON.stringify(this.#health));
    // No picture yet, or none since a sample made the last one stale: one now, rather than at the next tick. An
    // outage learned while no page watched may be over: a fresh attempt says which it is, at once.
    if (this.#latest === undefined || this.#health.failingSince !== null) this.refresh();
  }

  remove(client: LiveClient): void {
    if (this.#clients.delete(client) && this.#clients.size === 0) this.#options.onWatched?.(false);
  }

  /** Sends one message to one client (a command's result), subject to the same buffer bounds. */
  sendTo(client: LiveClient, message: ServerMessage): void {
    if (this.#admit(client, false)) client.send(JSON.stringify(message));
  }

  /** A command changed something: push a fresh snapshot now rather than at the next tick. */
  refresh(): void {
    if (this.#clients.size === 0) return;
    if (this.#building) {
      this.#again = true;
      return;
    }
    this.#askRedis();
  }

  /** Closes every client, e.g. on shutdown. */
  closeAll(code: number, reason: string): void {
    for (const client of this.#clients) client.close(code, reason);
    const watched = this.#clients.size > 0;
    this.#clients.clear();
    if (watched) this.#options.onWatched?.(false);
  }

  #tick(): void {
    const deliveries = this.#options.feed.take();
    const tail = this.#options.tailFeed.take();
    if (this.#clients.size > 0 && deliveries) {
      this.#broadcast(
        JSON.stringify({ type: 'deliveries', events: deliveries.items, omitted: deliveries.omitted }),
      );
    }
    if (this.#clients.size > 0 && tail) {
      this.#broadcast(JSON.stringify({ type: 'tail', entries: tail.items, omitted: tail.omitted }));
    }
    if (!this.#building) this.#askRedis();
    else if (
      this.#health.failingSince === null &&
      Date.now() - this.#buildStartedAt >= this.#options.stallMs
    ) {
      // Still one build at a time: the figures are frozen since it was asked for, and the pages are told so.
      const reason = stalledReason(this.#options.stallMs);
      this.#setHealth(reason, this.#buildStartedAt);
      this.#options.onError?.(new Error(reason), this.#asking);
    }
  }

  /** A snapshot for the pages, or while none watches, a sample (when there is a sampler): one at a time either way. */
  #askRedis(): void {
    const asking: RedisAsk = this.#clients.size > 0 ? 'snapshot' : 'sample';
    const { sample } = this.#options;
    let ask: () => Promise<void>;
    if (asking === 'snapshot') ask = () => this.#publishSnapshot();
    else if (sample !== undefined) ask = () => this.#keepSample(sample);
    else return;
    this.#buildStartedAt = Date.now();
    this.#asking = asking;
    this.#building = ask()
      .then(() => this.#setHealth(null))
      .catch((error: unknown) => {
        // Reported once per outage, not four times a second for as long as it lasts.
        const first = this.#health.failingSince === null;
        this.#setHealth(this.#options.describeFailure?.(error) ?? String(error));
        if (first) this.#options.onError?.(error, asking);
      })
      .finally(() => {
        this.#building = undefined;
        if (this.#again) {
          this.#again = false;
          if (this.#clients.size > 0) this.#askRedis();
        }
      });
  }

  async #publishSnapshot(): Promise<void> {
    const snapshot = await this.#options.buildSnapshot();
    this.#latest = JSON.stringify(snapshot);
    this.#history = appendHistory(this.#history, historyPoint(snapshot));
    this.#broadcast(this.#latest);
  }

  async #keepSample(sample: () => Promise<HistoryPoint>): Promise<void> {
    this.#history = appendHistory(this.#history, await sample());
    // Older than the history now: a page that opens is sent a fresh snapshot, not this one (see `add`), whose point
    // would come after newer ones and start its charts over.
    this.#latest = undefined;
  }

  /**
   * Tells every page when snapshots start failing or stall (and why), and when they work again, and the log when
   * they do (see `onRecovered`). A build that stalled and then failed keeps the first reason: it was true, and a
   * page is told once per outage.
   */
  #setHealth(reason: string | null, since = Date.now()): void {
    if ((reason === null) === (this.#health.failingSince === null)) return;
    const outageSince = this.#health.failingSince;
    if (reason === null && outageSince !== null) {
      this.#options.onRecovered?.(Date.now() - outageSince, this.#asking);
    }
    this.#health = { type: 'health', failingSince: reason === null ? null : since, reason };
    const data = JSON.stringify(this.#health);
    for (const client of this.#clients) if (this.#admit(client, false)) client.send(data);
  }

  #broadcast(data: string): void {
    for (const client of this.#clients) {
      if (this.#admit(client, true)) client.send(data);
    }
  }

  /** Whether to send now: skip while over the soft bound (only for skippable ticks), drop over the hard one. */
  #admit(client: LiveClient, skippable: boolean): boolean {
    const buffered = client.bufferedAmount;
    if (buffered > this.#options.hardBufferBytes) {
      this.remove(client);
      client.close(CLOSE_TOO_SLOW, 'too slow: send buffer over its bound');
      return false;
    }
    return !(skippable && buffered > this.#options.softBufferBytes);
  }
}
