import type { GroupView } from '@streamscope/protocol';
import { formatFirstOf } from '../../lib/format';
import { isClosing } from '../../lib/worker-closing';

/**
 * How a consumer's worker here is, in its badges' words: `healthy`, alive, not paused and not about to drop
 * deliveries, is a sensible default target; the others say why one is not.
 */
export type WorkerCondition = 'healthy' | 'down' | 'paused' | 'crash-queued';

export interface TargetOption {
  /** `group/consumer`: what the select shows and sends back. */
  value: string;
  group: string;
  consumer: string;
  condition: WorkerCondition;
}

export const isHealthy = (option: TargetOption) => option.condition === 'healthy';

function conditionOf(worker: NonNullable<GroupView['consumers'][number]['worker']>): WorkerCondition {
  if (!worker.alive) return 'down';
  if (worker.paused) return 'paused';
  return worker.crashQueued > 0 ? 'crash-queued' : 'healthy';
}

/**
 * The consumers XAUTOCLAIM can claim into: those whose worker runs on this server, which the command hands the
 * claimed entries to. One known only to Redis (a worker of another process, or none at all) was offered too, and
 * the claim always failed: "no running consumer … on this server". None of another application's group a
 * `--seed` joined: what its consumers hold is theirs, and the server refuses to claim it.
 */
export function targetOptions(groups: readonly GroupView[]): TargetOption[] {
  return groups.flatMap((group) =>
    (group.createdByStreamscope ? group.consumers : []).flatMap((consumer) =>
      // One closing (a reset or a group's deletion is stopping it) takes nothing on.
      consumer.worker === null || isClosing(consumer.worker.state)
        ? []
        : [
            {
              value: `${group.name}/${consumer.name}`,
              group: group.name,
              consumer: consumer.name,
              condition: conditionOf(consumer.worker),
            },
          ],
    ),
  );
}

/**
 * The options as one string each, the same from one snapshot to the next until a consumer comes, goes or changes
 * health: selected from the store with useShallow they follow every snapshot, even while the pending table is out
 * of view, at the cost of a render only when the list changed. Read back with {@link optionsFromKeys}.
 */
export function targetOptionKeys(groups: readonly GroupView[]): string[] {
  return targetOptions(groups).map(({ group, consumer, condition }) =>
    JSON.stringify([group, consumer, condition]),
  );
}

export function optionsFromKeys(keys: readonly string[]): TargetOption[] {
  return keys.map((key) => {
    const [group, consumer, condition] = JSON.parse(key) as [string, string, WorkerCondition];
    return { value: `${group}/${consumer}`, group, consumer, condition };
  });
}

/**
 * The user's pick, as long as it is still offered; `null` once its consumer is gone. Kept past its removal, a
 * pick would come back by itself, unasked, the moment a consumer of the same name was added again.
 */
export function pickStillOffered(options: readonly TargetOption[], chosen: string | null): string | null {
  return chosen !== null && options.some((option) => option.value === chosen) ? chosen : null;
}

/**
 * The group and consumer an option's value names. Options are consumers this server runs, in groups it made, whose
 * names the protocol keeps free of '/': the first one ends the group.
 * @example consumerOfValue('notifications/worker-b') // { group: 'notifications', consumer: 'worker-b' }
 */
export function consumerOfValue(value: string): StuckAt {
  const slash = value.indexOf('/');
  return { group: value.slice(0, slash), consumer: value.slice(slash + 1) };
}

/** A group and one of its consumers: where entries are stuck, or a pick read back from its value. */
export interface StuckAt {
  group: string;
  consumer: string;
}

/** What the target picker shows of an option: a paused consumer says so, as the server refuses to claim into it. */
export function targetLabel(option: TargetOption): string {
  return option.condition === 'paused' ? `${option.value} (paused)` : option.value;
}

/** Whom a pending row's Claim button claims it for, or, when it has no one, why: said where the button would be. */
export type RowClaim = { readonly consumer: string } | { readonly none: string };

/**
 * Whom a pending row's Claim button claims it for: the target picked, when it is a consumer of the row's group other
 * than the one holding it and not paused; else a healthy such consumer. With neither, why not: no other consumer of the group runs
 * here (a group of one), or those that do are down, paused or crash-queued. The row's amber dot and To DLQ, and no
 * Claim, left the user to guess, while XAUTOCLAIM to selected claimed into the one consumer there was.
 */
export function rowClaimTarget(
  options: readonly TargetOption[],
  picked: TargetOption | null,
  row: { group: string; consumer: string; foreign?: boolean },
): RowClaim {
  // Its consumers are not this server's to claim from (the server refuses): "no other consumer" said otherwise.
  if (row.foreign === true)
    return { none: `${row.group} is another application's group: its own consumers claim its entries` };
  const eligible = (option: TargetOption) => option.group === row.group && option.consumer !== row.consumer;
  // A paused pick is passed over: the server refuses to claim into a consumer that takes on nothing.
  if (picked !== null && eligible(picked) && picked.condition !== 'paused')
    return { consumer: picked.consumer };
  const peers = options.filter(eligible);
  const healthy = peers.find(isHealthy);
  if (healthy !== undefined) return { consumer: healthy.consumer };
  // Claim is for another consumer; the holder runs it again only by an XAUTOCLAIM into itself, which the page
  // seemed to deny while it worked.
  const holderHealthy = options.some(
    (option) => option.group === row.group && option.consumer === row.consumer && isHealthy(option),
  );
  const retry = holderHealthy ? `; XAUTOCLAIM to selected with ${row.consumer} runs it again there` : '';
  if (peers.length === 0)
    return { none: `No other consumer of ${row.group} runs on this server to claim it for${retry}` };
  const unwell = formatFirstOf(
    peers.map((peer) => `${peer.consumer} is ${peer.condition}`),
    3,
  );
  return { none: `No healthy consumer of ${row.group} here to claim it for: ${unwell}${retry}` };
}
