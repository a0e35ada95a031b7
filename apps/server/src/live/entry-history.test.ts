import type { LifecycleEventView, LifecycleKindView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { EntryHistory } from './entry-history.js';

const step = (id: string, kind: LifecycleKindView): LifecycleEventView => ({
  kind,
  id,
  group: kind === 'produced' ? null : 'g',
  consumer: kind === 'produced' ? null : 'c',
  deliveryCount: null,
  eventType: 'order.placed',
  reason: null,
  ts: 0,
});

const kinds = (history: EntryHistory, id: string) => history.of(id).map((event) => event.kind);

describe('EntryHistory', () => {
  it('tells an entry its steps in order, and forgets the entry seen longest ago past its bound', () => {
    const history = new EntryHistory({ maxEntries: 2 });
    for (const id of ['1-0', '2-0', '3-0']) {
      history.record(step(id, 'produced'));
      history.record(step(id, 'delivered'));
      history.record(step(id, 'acked'));
    }
    expect(kinds(history, '1-0')).toEqual([]);
    expect(kinds(history, '3-0')).toEqual(['produced', 'delivered', 'acked']);
  });

  it('tells the append first even when a delivery was recorded before it', () => {
    // XADD's reply and a worker's XREADGROUP reply come on two connections, in either order.
    const history = new EntryHistory();
    history.record(step('1-0', 'delivered'));
    history.record(step('1-0', 'produced'));
    history.record(step('1-0', 'acked'));
    expect(kinds(history, '1-0')).toEqual(['produced', 'delivered', 'acked']);
  });

  it('keeps an entry that something went wrong with, whole, however many acked entries follow', () => {
    const history = new EntryHistory({ maxEntries: 10, maxTroubledEntries: 2 });
    history.record(step('1-0', 'produced'));
    history.record(step('1-0', 'delivered'));
    history.record(step('1-0', 'failed'));
    history.record(step('1-0', 'dead-lettered'));
    for (let n = 2; n < 1_000; n += 1) {
      history.record(step(`${n}-0`, 'produced'));
      history.record(step(`${n}-0`, 'acked'));
    }
    expect(kinds(history, '1-0')).toEqual(['produced', 'delivered', 'failed', 'dead-lettered']);
    expect(kinds(history, '2-0')).toEqual([]);
    // Troubled entries have a bound of their own.
    history.record(step('5000-0', 'dropped'));
    history.record(step('5001-0', 'claimed'));
    expect(kinds(history, '1-0')).toEqual([]);
    expect(kinds(history, '5001-0')).toEqual(['claimed']);
  });

  it('an entry remembered again after it was forgotten is forgotten in its new turn, not its old one', () => {
    const history = new EntryHistory({ maxEntries: 2, maxTroubledEntries: 1 });
    history.record(step('1-0', 'produced'));
    history.record(step('1-0', 'dropped')); // moves to the troubled memory
    history.record(step('2-0', 'failed')); // which forgets 1-0
    history.record(step('1-0', 'acked')); // uneventful again, in the second slot
    history.record(step('3-0', 'produced')); // takes the first slot, 1-0's old one
    expect(kinds(history, '1-0')).toEqual(['acked']);
    history.record(step('4-0', 'produced'));
    expect(kinds(history, '1-0')).toEqual([]);
    expect(kinds(history, '3-0')).toEqual(['produced']);
  });

  it('keeps at most maxEventsPerEntry steps of one entry, the latest', () => {
    const history = new EntryHistory({ maxEventsPerEntry: 3 });
    for (const kind of ['produced', 'delivered', 'failed', 'delivered', 'failed'] as const) {
      history.record(step('1-0', kind));
    }
    expect(kinds(history, '1-0')).toEqual(['failed', 'delivered', 'failed']);
  });
});
