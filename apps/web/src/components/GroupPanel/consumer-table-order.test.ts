import type { ConsumerView, WorkerView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { workerView } from '../../testing/views';
import { consumerOrder, DEFAULT_SORT, keepOrder, nextSort } from './consumer-table-order';

function consumer(name: string, pending: number, worker: Partial<WorkerView> | null = {}): ConsumerView {
  return {
    name,
    pending,
    idleMs: pending * 100,
    inactiveMs: null,
    connected: worker !== null,
    worker: worker === null ? null : workerView(worker),
  };
}

// As the server lists them: counting order.
const consumers = [
  consumer('worker-1', 4, { processed: 10 }),
  consumer('worker-2', 0, { processed: 30 }),
  consumer('worker-10', 4, { processed: 20 }),
  consumer('gone', 9, null),
];

describe('consumerOrder', () => {
  it("keeps the server's counting order by default, and turns it around", () => {
    expect(consumerOrder(consumers, DEFAULT_SORT)).toEqual(['worker-1', 'worker-2', 'worker-10', 'gone']);
    expect(consumerOrder(consumers, { column: 'name', direction: 'descending' })).toEqual([
      'gone',
      'worker-10',
      'worker-2',
      'worker-1',
    ]);
  });

  it('sorts by a figure, ties in counting order', () => {
    expect(consumerOrder(consumers, { column: 'pending', direction: 'descending' })).toEqual([
      'gone',
      'worker-1',
      'worker-10',
      'worker-2',
    ]);
    expect(consumerOrder(consumers, { column: 'pending', direction: 'ascending' })).toEqual([
      'worker-2',
      'worker-1',
      'worker-10',
      'gone',
    ]);
  });

  it('puts consumers without a worker here last, whichever the direction', () => {
    expect(consumerOrder(consumers, { column: 'processed', direction: 'descending' })).toEqual([
      'worker-2',
      'worker-10',
      'worker-1',
      'gone',
    ]);
    expect(consumerOrder(consumers, { column: 'processed', direction: 'ascending' })).toEqual([
      'worker-1',
      'worker-10',
      'worker-2',
      'gone',
    ]);
  });

  it('leaves its input alone', () => {
    consumerOrder(consumers, { column: 'name', direction: 'descending' });
    expect(consumers.map((c) => c.name)).toEqual(['worker-1', 'worker-2', 'worker-10', 'gone']);
  });
});

describe('nextSort', () => {
  it('turns the same column around, and starts another with its biggest figures first', () => {
    expect(nextSort(DEFAULT_SORT, 'name')).toEqual({ column: 'name', direction: 'descending' });
    expect(nextSort(DEFAULT_SORT, 'pending')).toEqual({ column: 'pending', direction: 'descending' });
    expect(nextSort({ column: 'pending', direction: 'descending' }, 'pending')).toEqual({
      column: 'pending',
      direction: 'ascending',
    });
    expect(nextSort({ column: 'pending', direction: 'descending' }, 'name')).toEqual(DEFAULT_SORT);
  });
});

describe('keepOrder', () => {
  it('keeps the rows shown where they are, drops the gone and adds the new at the end', () => {
    expect(keepOrder(['b', 'a', 'c'], ['a', 'b', 'c'])).toEqual(['b', 'a', 'c']);
    expect(keepOrder(['b', 'a', 'c'], ['a', 'c', 'd'])).toEqual(['a', 'c', 'd']);
    expect(keepOrder(['c', 'a'], ['d', 'a', 'e', 'c'])).toEqual(['c', 'a', 'd', 'e']);
  });
});
