import { describe, expect, it } from 'vitest';
import { consumerView, groupView, workerView } from '../../testing/views';
import { addedStanding } from './added-standing';

const withWorkerE = groupView('notifications', [
  consumerView('worker-a', workerView()),
  consumerView('worker-e', workerView()),
]);
const withoutWorkerE = groupView('notifications', [consumerView('worker-a', workerView())]);

describe('addedStanding', () => {
  it('is listed while the snapshot lists the consumer added', () => {
    expect(addedStanding('worker-e', false, withWorkerE)).toBe('listed');
    expect(addedStanding('worker-e', true, withWorkerE)).toBe('listed');
  });

  it('is not yet listed while the snapshot after the answer has not come', () => {
    expect(addedStanding('worker-e', false, withoutWorkerE)).toBe('not yet');
  });

  it('is gone once listed and no longer', () => {
    expect(addedStanding('worker-e', true, withoutWorkerE)).toBe('gone');
  });

  it('is not called gone while the snapshot leaves some consumers out, as it may be among them', () => {
    const cut = { ...withoutWorkerE, consumersOmitted: 3 };
    expect(addedStanding('worker-e', true, cut)).toBe('not yet');
  });
});
