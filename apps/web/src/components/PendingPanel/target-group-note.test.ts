import type { WorkerView } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { consumerView, groupView, workerView } from '../../testing/views';
import { targetGroupNote } from './target-group-note';
import { targetOptions } from './target-options';

const groupsWith = (
  pending: { analytics: number; notifications: number },
  worker: Partial<WorkerView> = {},
) => [
  groupView('analytics', [consumerView('worker-c', workerView())], { pending: pending.analytics }),
  groupView('notifications', [consumerView('worker-a', workerView(worker))], {
    pending: pending.notifications,
  }),
];

describe('targetGroupNote', () => {
  it("says when the target's group has nothing pending and another group has", () => {
    const groups = groupsWith({ analytics: 0, notifications: 12 });
    const options = targetOptions(groups);
    const workerC = options.find((option) => option.consumer === 'worker-c') ?? null;
    expect(targetGroupNote(workerC, options, groups)).toBe(
      'analytics has no pending entries, so XAUTOCLAIM into worker-c finds none to claim; notifications has 12.',
    );
  });

  it('names several groups with entries pending, the first few and how many more', () => {
    const groups = [
      groupView('analytics', [consumerView('worker-c', workerView())]),
      ...['audit', 'billing', 'notifications', 'orders'].map((name, index) =>
        groupView(name, [consumerView(`worker-${index}`, workerView())], { pending: (index + 1) * 1_000 }),
      ),
    ];
    const options = targetOptions(groups);
    expect(targetGroupNote(options[0] ?? null, options, groups)).toBe(
      'analytics has no pending entries, so XAUTOCLAIM into worker-c finds none to claim; audit has 1,000, billing 2,000, notifications 3,000 and 1 more.',
    );
  });

  it('says nothing when the target has entries to claim, when no group has, or when no other could take them', () => {
    const some = groupsWith({ analytics: 3, notifications: 12 });
    const none = groupsWith({ analytics: 0, notifications: 0 });
    // notifications' one consumer here is paused: the server refuses a claim there too.
    const paused = groupsWith({ analytics: 0, notifications: 12 }, { paused: true });
    for (const groups of [some, none, paused]) {
      const options = targetOptions(groups);
      const workerC = options.find((option) => option.consumer === 'worker-c') ?? null;
      expect(targetGroupNote(workerC, options, groups)).toBeNull();
    }
    expect(targetGroupNote(null, [], none)).toBeNull();
  });
});
