import { LIMITS, type LifecycleEventView } from '@streamscope/protocol';
import { boundedType } from '../live/bounded-view.js';
import { EntryHistory, feedRank } from '../live/entry-history.js';
import { TickBuffer } from '../live/tick-buffer.js';

/**
 * Where every lifecycle event of the pipeline goes: the entry's timeline (`history`), the live feed's next tick
 * (`feed`), and each observer (metrics count them).
 */
export class LifecycleRecorder {
  readonly history = new EntryHistory();
  readonly feed = new TickBuffer<LifecycleEventView>(LIMITS.feedPerTick, feedRank);
  readonly #observers: ((event: LifecycleEventView) => void)[] = [];

  /** Every lifecycle event as it happens. */
  observe(observer: (event: LifecycleEventView) => void): void {
    this.#observers.push(observer);
  }

  record(recorded: LifecycleEventView): void {
    // Kept for 25,000 entries and sent to every page: another client's entry may have a megabyte for a type. Copied
    // only then: every delivery and ack comes through here.
    const eventType = boundedType(recorded.eventType);
    const event = eventType === recorded.eventType ? recorded : { ...recorded, eventType };
    this.history.record(event);
    this.feed.push(event);
    for (const observer of this.#observers) observer(event);
  }

  /** An entry appended: its timeline begins here, at `ts`. */
  recordProduced(id: string, eventType: string | null, reason: string | null, ts: number): void {
    this.record({
      kind: 'produced',
      id,
      group: null,
      consumer: null,
      deliveryCount: null,
      eventType,
      reason,
      ts,
    });
  }

  /** Forgets the timelines and the feed not sent yet, of a stream that was deleted. */
  clear(): void {
    this.feed.clear();
    this.history.clear();
  }
}
