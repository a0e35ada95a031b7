import { describe, expect, it } from 'vitest';
import { consumerView, groupView, workerView } from '../../testing/views';
import { removalRefusal } from './removal-refusal';

describe('removalRefusal', () => {
  it('lets a removal go while another consumer runs here unpaused', () => {
    const group = groupView('g', [consumerView('a', workerView()), consumerView('b', workerView())]);
    expect(removalRefusal(group, 'a')).toBeNull();
  });

  it('says why with no other consumer running here: the last one, or every other paused', () => {
    const alone = groupView('g', [consumerView('a', workerView()), consumerView('gone', null)]);
    expect(removalRefusal(alone, 'a')).toMatch(
      /^The last consumer of g on this server: .*Add another consumer first$/,
    );
    const restingPeer = groupView('g', [
      consumerView('a', workerView()),
      consumerView('b', workerView({ paused: true })),
    ]);
    expect(removalRefusal(restingPeer, 'a')).toMatch(/^Every other consumer of g on this server is paused/);
    const closingPeer = groupView('g', [
      consumerView('a', workerView()),
      consumerView('b', workerView({ state: 'closing' })),
    ]);
    expect(removalRefusal(closingPeer, 'a')).toMatch(/^The last consumer of g/);
  });

  it('says no consumer runs here, not "the last one on this server", of one no worker here runs', () => {
    const orphans = groupView('g', [consumerView('left', null), consumerView('other', null)]);
    expect(removalRefusal(orphans, 'left')).toBe(
      'No consumer of g runs on this server to take what it holds. Add one first',
    );
  });

  it('cannot tell, so says nothing, when the snapshot left consumers out', () => {
    const cut = groupView('g', [consumerView('a', workerView())], { consumersOmitted: 5 });
    expect(removalRefusal(cut, 'a')).toBeNull();
  });
});
