import type { ConsumerView, Snapshot } from '@streamscope/protocol';

const indexes = new WeakMap<Snapshot, Map<string, Map<string, ConsumerView>>>();

/**
 * The consumer `name` of `group` in `snapshot`, or `undefined`. Every card looks itself up at each change to the
 * store; the index is built once per snapshot, so with dozens of cards each lookup stays two map reads.
 */
export function findConsumer(
  snapshot: Snapshot | null,
  group: string,
  name: string,
): ConsumerView | undefined {
  if (snapshot === null) return undefined;
  let index = indexes.get(snapshot);
  if (index === undefined) {
    index = new Map(
      snapshot.groups.map((view) => [
        view.name,
        new Map(view.consumers.map((consumer) => [consumer.name, consumer])),
      ]),
    );
    indexes.set(snapshot, index);
  }
  return index.get(group)?.get(name);
}
