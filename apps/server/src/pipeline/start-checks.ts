import { type EventStream, requeueMarksKey } from '@streamscope/streams';
import { consumersInRedis } from './consumer-activity.js';
import { type GroupSeed, listed, refKey } from './consumer-ref.js';
import { overwrittenKeyReason, overwrittenType } from './overwritten-keys.js';
import { ownKeys } from './own-keys.js';
import type { ReadersElsewhere } from './readers-elsewhere.js';
import { foreignReason, type StreamOwnership } from './stream-ownership.js';

/**
 * A start refused before it changed anything in Redis, as what it found there is not what the options say it
 * is (another client's key or group); the message says what to change.
 */
export class StartRefusedError extends Error {
  override readonly name = 'StartRefusedError';
}

/** What a start without reset checks against what Redis holds. */
export interface StartContext {
  readonly stream: EventStream;
  readonly deadLetterKey: string;
  readonly seeds: readonly GroupSeed[];
  /** Whether the operator named the seeds (`--seed`), rather than the demo's being taken by default. */
  readonly seedsNamed: boolean;
  /** The hash where Streamscope notes its own groups and consumers (see `OperatorControls`). */
  readonly ownedKey: string;
  /** Where a start that goes ahead says what it did that the operator should know. */
  readonly log: (line: string) => void;
}

/**
 * A stream key, or a dead-letter key, that holds a string, a hash or anything else but a stream (or the
 * dead-letter key's requeue marks anything but a hash): nothing here
 * could work on it (every snapshot would fail with Redis's WRONGTYPE, freezing the page, and every dead-letter
 * command with it). A start that resets refuses it too, deleting nothing: a key of another type is no stream
 * Streamscope ran, but some other program's data, or a mistyped `--stream-key` (that start used to fail on
 * Redis's bare WRONGTYPE, and the refusal without reset told the operator to reset to delete it).
 */
export async function refuseAnotherType({ stream, deadLetterKey }: StartContext): Promise<void> {
  const marksKey = requeueMarksKey(deadLetterKey);
  const [streamType, dlqType, marksType] = await Promise.all([
    overwrittenType(stream.redis, stream.streamKey),
    overwrittenType(stream.redis, deadLetterKey),
    overwrittenType(stream.redis, marksKey, 'hash'),
  ]);
  if (streamType !== null) {
    throw new StartRefusedError(
      `the key ${JSON.stringify(stream.streamKey)} holds a ${streamType}, not a stream: point --stream-key at a stream (or at a key that does not exist yet), or delete the key yourself first if nothing needs it (redis-cli DEL ${JSON.stringify(stream.streamKey)})`,
    );
  }
  if (dlqType !== null) {
    throw new StartRefusedError(
      `the dead-letter key ${JSON.stringify(deadLetterKey)} holds a ${dlqType}, not a stream: name another with --dlq-key, or delete the key yourself first if nothing needs it (redis-cli DEL ${JSON.stringify(deadLetterKey)})`,
    );
  }
  if (marksType !== null) {
    throw new StartRefusedError(
      `the key ${JSON.stringify(marksKey)}, where the dead letters' requeues are marked, holds a ${marksType}, not a hash: name another dead-letter key with --dlq-key, or delete the key yourself first if nothing needs it (redis-cli DEL ${JSON.stringify(marksKey)})`,
    );
  }
}

/**
 * A group's once-per-ID guard (`<stream key>:processed:<group>`, a sorted set) that another client wrote over: the
 * demo handler's every redelivery would fail on it, and reach the DLQ after maxDeliveries as if it were a poison
 * pill. Checked for the groups the start will run (`groups`), as the other keys are.
 */
export async function refuseOverwrittenGuards(
  { stream }: StartContext,
  groups: Iterable<string>,
): Promise<void> {
  for (const group of groups) {
    const key = ownKeys.processed(stream.streamKey, group);
    const type = await overwrittenType(stream.redis, key, 'zset');
    if (type !== null) {
      throw new StartRefusedError(
        `group ${JSON.stringify(group)}'s once-per-ID guard ${overwrittenKeyReason({ key, holds: 'processed ID' }, type)}, so every redelivery to the group would fail: delete it yourself if nothing needs it (redis-cli DEL ${JSON.stringify(key)}), then start again`,
      );
    }
  }
}

/**
 * The demo's seed groups (`notifications`, `analytics`) are common names: on a stream another application uses,
 * one may be that application's group, and the demo's workers would read its entries in competition with its
 * own consumers and ack them with the demo handler. Without `--seed` naming them, a seed group Streamscope did
 * not create refuses the start; named, the group is joined as asked, and the log says so.
 */
export async function refuseForeignSeedGroups(
  context: StartContext,
  ours: ReadonlySet<string>,
  standing: ReadonlySet<string>,
): Promise<void> {
  const foreign = context.seeds
    .map((seed) => seed.group)
    .filter((group) => standing.has(group) && !ours.has(group));
  if (foreign.length === 0) return;
  const named = foreign.map((group) => JSON.stringify(group)).join(', ');
  if (!context.seedsNamed) {
    throw new StartRefusedError(
      `group(s) ${named} already on ${JSON.stringify(context.stream.streamKey)} were not created by Streamscope: the demo's default seed would run its workers in them, taking their entries from the consumers that read them and acking them with the demo handler. Start with --seed none to only watch, or with --seed naming the groups and consumers to run${await upgradeHint(context, foreign)}`,
    );
  }
  context.log(
    `joining group(s) ${named}, which Streamscope did not create, as --seed asks: its workers share their entries with the consumers already reading them`,
  );
}

/**
 * With no `<stream key>:owned` at all, the stream may be one a Streamscope older than that note made: its groups
 * (and the consumers added through its API) are noted nowhere. Says how to note them, for whoever knows.
 */
async function upgradeHint(
  { stream, seeds, ownedKey }: StartContext,
  groups: readonly string[],
): Promise<string> {
  if ((await stream.redis.exists(ownedKey)) > 0) return '';
  const field = (parts: string[]) => `'${JSON.stringify(parts)}' 1`;
  const seedNames = new Set(seeds.flatMap((seed) => seed.consumers.map((name) => refKey(seed.group, name))));
  const consumers: string[] = [];
  for (const group of groups) {
    for (const { name } of await consumersInRedis(stream, group)) {
      if (!seedNames.has(refKey(group, name))) consumers.push(field(['consumer', group, name]));
    }
  }
  const shown = consumers.slice(0, 10).join(' ');
  const more = consumers.length > 10 ? ` (and ${consumers.length - 10} more of that form)` : '';
  const also =
    consumers.length > 0
      ? `, adding ${shown}${more} for each consumer of theirs it ran (one added through its API), to have it restored`
      : '';
  return `. ${ownedKey}, where Streamscope notes its own groups and consumers, does not exist: if a Streamscope older than that note created these groups, note them as its own and start again: redis-cli HSET ${ownedKey} ${groups.map((group) => field(['group', group])).join(' ')}${also}`;
}

/**
 * The default seed groups an operator deleted through Streamscope, none created since: a restart without reset
 * leaves them deleted, as a restart leaves a removed consumer removed, rather than making them again from 0-0
 * to process every entry still in the stream once more. A group named by `--seed` is the operator asking for it
 * at this start: it is seeded, and so is one that stands again (another client made it).
 */
export function deletedSeeds(
  { seeds, seedsNamed, log }: StartContext,
  deleted: ReadonlySet<string>,
  standing: ReadonlySet<string>,
): ReadonlySet<string> {
  if (deleted.size === 0 || seedsNamed) return new Set();
  const skipped = seeds
    .map((seed) => seed.group)
    .filter((group) => deleted.has(group) && !standing.has(group));
  if (skipped.length > 0) {
    log(
      `not seeding group(s) ${skipped.map((group) => JSON.stringify(group)).join(', ')}: deleted from a dashboard, they stay deleted (create one again from the dashboard, or start without --no-reset, which deletes the stream and seeds everything anew)`,
    );
  }
  return new Set(skipped);
}

/**
 * A start that resets (the default) deletes the stream: with another Streamscope process's workers reading it,
 * their groups and pending entries went with it, and that process found out only from its errors. Refused
 * before anything is deleted; a second server on one stream starts with `--no-reset`.
 */
export async function refuseResetUnderWorkers(elsewhere: ReadersElsewhere): Promise<void> {
  const refusal = await elsewhere.resetRefusal(
    'Start this one with --no-reset to share the stream, or stop that process first.',
  );
  if (refusal !== null) throw new StartRefusedError(refusal);
}

/**
 * A start that resets deletes the stream: one with another application's groups, or one Streamscope never ran
 * on, is that application's data, its groups' pending entries with it. Refused before anything is deleted.
 */
export function refuseResetOfForeignStream(
  { stream }: Pick<StartContext, 'stream'>,
  ownership: StreamOwnership,
): void {
  const reason = foreignReason(ownership, stream.streamKey);
  if (reason === null) return;
  throw new StartRefusedError(
    `${reason}: a reset would delete it, with its groups and their pending entries. Start with --no-reset to watch it (--seed none) or to join it (--seed naming the groups and consumers to run), or delete it yourself first`,
  );
}

/**
 * The demo's default seed on a stream Streamscope never ran on would add its groups from 0-0 and ack every entry
 * with the demo handler, into another application's stream. Only a named `--seed` (`none` to only watch) runs
 * there.
 */
export function refuseDefaultSeedOnForeignStream(
  { stream, seedsNamed }: Pick<StartContext, 'stream' | 'seedsNamed'>,
  ownership: StreamOwnership,
): void {
  if (seedsNamed || !ownership.exists || ownership.noted) return;
  throw new StartRefusedError(
    `${JSON.stringify(stream.streamKey)} holds a stream Streamscope has never run on${ownership.foreignGroups.length > 0 ? ` (its groups: ${listed(ownership.foreignGroups)})` : ''}: the demo's default seed would add its groups and ack every entry with the demo handler. Start with --seed none to only watch it, or with --seed naming the groups and consumers to run`,
  );
}
