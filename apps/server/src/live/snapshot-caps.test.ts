import { describe, expect, it } from 'vitest';
import { chooseConsumers, chooseGroups } from './snapshot-caps.js';

const consumer = (name: string, pending: number, idleMs: number) => ({ name, pending, idleMs });
const NONE = new Set<string>();
const names = (list: readonly { name: string }[]) => list.map((item) => item.name);

describe('chooseConsumers', () => {
  it('keeps every consumer, in the order given, when they are within the limit', () => {
    const consumers = [consumer('b', 0, 5), consumer('a', 0, 1)];
    expect(chooseConsumers(consumers, 2, NONE, NONE)).toEqual({ kept: consumers, omitted: 0 });
  });

  it("keeps this server's workers, then those holding pending entries, then those connected elsewhere, then the least idle", () => {
    const consumers = [
      consumer('pod-stale', 0, 90_000),
      consumer('ours-idle', 0, 500_000),
      consumer('pod-fresh', 0, 10),
      consumer('holder', 3, 400_000),
      consumer('elsewhere', 0, 300_000),
      consumer('pod-recent', 0, 2_000),
    ];
    const ours = new Set(['ours-idle']);
    const connected = new Set(['elsewhere']);
    const chosen = (limit: number) => names(chooseConsumers(consumers, limit, ours, connected).kept);
    expect(chosen(1)).toEqual(['ours-idle']);
    expect(chosen(2)).toEqual(['ours-idle', 'holder']);
    expect(chosen(3)).toEqual(['ours-idle', 'holder', 'elsewhere']);
    // Kept in the order given, whatever order they were chosen in.
    expect(chosen(5)).toEqual(['ours-idle', 'pod-fresh', 'holder', 'elsewhere', 'pod-recent']);
    expect(chooseConsumers(consumers, 5, ours, connected).omitted).toBe(1);
  });

  it('keeps those holding most pending entries when more hold some than the limit allows', () => {
    const consumers = [consumer('a', 1, 0), consumer('b', 9, 50), consumer('c', 4, 10), consumer('d', 9, 20)];
    expect(names(chooseConsumers(consumers, 2, NONE, NONE).kept)).toEqual(['b', 'd']);
  });

  it('breaks ties by name, so the same figures keep the same consumers in any order', () => {
    const consumers = ['pod-3', 'pod-1', 'pod-4', 'pod-2'].map((name) => consumer(name, 0, 100));
    const chosen = chooseConsumers(consumers, 2, NONE, NONE);
    expect(names(chosen.kept)).toEqual(['pod-1', 'pod-2']);
    expect(names(chooseConsumers([...consumers].reverse(), 2, NONE, NONE).kept)).toEqual(['pod-2', 'pod-1']);
    expect(chosen.omitted).toBe(2);
  });

  it('chooses 200 of 20,000 in a few milliseconds', () => {
    const consumers = Array.from({ length: 20_000 }, (_, n) =>
      consumer(`pod-${n}`, n % 997 === 0 ? 1 : 0, n),
    );
    const started = performance.now();
    const chosen = chooseConsumers(consumers, 200, new Set(['pod-19999']), NONE);
    expect(performance.now() - started).toBeLessThan(100);
    expect(chosen.kept).toHaveLength(200);
    expect(chosen.omitted).toBe(19_800);
    expect(names(chosen.kept)).toContain('pod-19999');
    // All 21 holding entries, then the least idle.
    expect(chosen.kept.filter((kept) => kept.pending > 0)).toHaveLength(21);
    expect(names(chosen.kept).slice(0, 3)).toEqual(['pod-0', 'pod-1', 'pod-2']);
  });
});

describe('chooseGroups', () => {
  const groups = ['analytics', 'billing', 'notifications', 'search'].map((name) => ({ name }));

  it('keeps every group when they are within the limit', () => {
    expect(chooseGroups(groups, 4, NONE)).toEqual({ kept: groups, omitted: 0 });
  });

  it("keeps this server's groups first, then the others in the order given, and keeps that order", () => {
    const chosen = chooseGroups(groups, 2, new Set(['search']));
    expect(names(chosen.kept)).toEqual(['analytics', 'search']);
    expect(chosen.omitted).toBe(2);
    expect(names(chooseGroups(groups, 3, new Set(['search', 'notifications'])).kept)).toEqual([
      'analytics',
      'notifications',
      'search',
    ]);
  });
});
