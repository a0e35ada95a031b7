import {
  type Command,
  type CommandResults,
  type CommandType,
  type EntryPlaceView,
  type EntryView,
  LIMITS,
  POISON_EVENT_TYPE,
} from '@streamscope/protocol';
import { type EntryPlace, fullEntryId, type StreamEntry } from '@streamscope/streams';
import { boundedText } from '../live/bounded-view.js';
import { deadLettersWithinBudget, replayWithinBudget } from './answer-budget.js';
import { assertRedisReady, CommandError, shuttingDown } from './command-error.js';
import { findEntries } from './entry-search.js';
import { namingOverwrittenKey } from './overwritten-keys.js';
import { claimPending } from './pending-claim.js';
import { pausedTarget } from './pending-refusals.js';
import type { Pipeline } from './pipeline.js';
import { previewTrim } from './trim-preview.js';

/** Commands that only change this process's own state: they work while Redis is away. */
const WORKS_WITHOUT_REDIS = new Set<CommandType>([
  'producer.stop',
  'consumer.resume',
  'retention.set',
  'autoreap.set',
]);

/**
 * Commands that only read: they change nothing a snapshot shows, so their success pushes no fresh one. A snapshot
 * per read went to every page: each page's trim preview, asked again every second while the stream moves, added a
 * snapshot a second to every other page's four.
 */
export const READ_ONLY_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
  'replay',
  'dlq.list',
  'trim.preview',
  'entry.history',
  'entry.find',
]);

type Handlers = {
  [T in CommandType]: (command: Extract<Command, { type: T }>) => Promise<CommandResults[T]>;
};

/**
 * What can be refused before the command takes one of its client's places (see `ClientLimit`), answered without
 * waiting on anything: a consumer name taken here. Concurrent adds of one name are then told it is taken,
 * however many the client sent at once.
 */
export function refuseAtOnce(pipeline: Pipeline, command: Command): void {
  if (command.type === 'consumer.add') pipeline.refuseNameTakenHere(command.group, command.name);
}

/** Carries out one validated command; the JSON API and the WebSocket both come through here. */
export function runCommand<T extends CommandType>(
  pipeline: Pipeline,
  command: Extract<Command, { type: T }>,
): Promise<CommandResults[T]> {
  // A producer, policy or worker started now would run on after the server stopped.
  if (pipeline.closed) throw shuttingDown();
  if (!WORKS_WITHOUT_REDIS.has(command.type)) assertRedisReady(pipeline.options.redis);
  const handler = handlersFor(pipeline)[command.type] as (
    command: Extract<Command, { type: T }>,
  ) => Promise<CommandResults[T]>;
  return namingOverwrittenKeys(pipeline, handler(command));
}

/**
 * `work`, with a failure Redis gave as WRONGTYPE on the stream or dead-letter key (or its requeue marks) said as
 * which key holds what, and refused (see `namingOverwrittenKey`): for the routes that do not come through
 * `runCommand` too.
 */
export function namingOverwrittenKeys<T>(pipeline: Pipeline, work: Promise<T>): Promise<T> {
  const keys = [
    { key: pipeline.stream.streamKey, holds: 'entry' },
    { key: pipeline.deadLetters.key, holds: 'letter' },
    { key: pipeline.deadLetters.marksKey, holds: 'requeue mark' },
  ] as const;
  return work.catch(async (error: unknown) => {
    throw await namingOverwrittenKey(pipeline.options.redis, keys, error);
  });
}

function handlersFor(pipeline: Pipeline): Handlers {
  const { stream, pool, producer } = pipeline;
  /** The consumer of this server to claim into, as long as it takes entries on (see `pausedTarget`). */
  const claimTarget = async (group: string, consumer: string) => {
    // First: whichever consumer is named, nothing is claimed there.
    await pipeline.refuseClaimsInAnotherApplicationsGroup(group);
    const worker = await pipeline.worker(group, consumer);
    if (worker.status().paused) throw pausedTarget(group, consumer);
    return worker;
  };
  return {
    produce: async ({ count, eventType }) => {
      const ids = await pipeline.produce(count, eventType);
      return { produced: ids.length, firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null };
    },
    'producer.start': async ({ rate, eventType }) => {
      await pipeline.refuseAppendsToForeignStream();
      producer.start(rate, eventType ?? null);
      return { running: true, rate, eventType: eventType ?? null };
    },
    'producer.stop': async () => {
      await producer.stop();
      return { running: false };
    },
    'consumer.add': async ({ group, name, groupMustExist }) => {
      await pipeline.addConsumer(group, name, { groupMustExist });
      return { group, name };
    },
    'consumer.remove': async ({ group, name }) => {
      const { handedOverTo, moved, deleted } = await pipeline.removeConsumer(group, name);
      return { group, name, handedOverTo, moved, deleted };
    },
    'consumer.pause': async ({ group, name }) => {
      await pipeline.pauseConsumer(group, name);
      return { group, name, paused: true };
    },
    'consumer.resume': async ({ group, name }) => {
      await pipeline.resumeConsumer(group, name);
      return { group, name, paused: false };
    },
    'consumer.crash': async ({ group, name, count }) => {
      const worker = await pipeline.worker(group, name);
      // The bound is on what stands queued, not on one call: a thousand calls of 1,000 queued a million drops.
      const queued = worker.status().crashQueued;
      if (queued + count > LIMITS.crashMax) {
        const room = LIMITS.crashMax - queued;
        throw new CommandError(
          'conflict',
          room > 0
            ? `consumer ${group}/${name} has ${queued} crashes queued; at most ${LIMITS.crashMax} may be, so only ${room} more`
            : `consumer ${group}/${name} has ${queued} crashes queued, the most it may have`,
        );
      }
      worker.crashNext(count);
      return { group, name, crashQueued: worker.status().crashQueued };
    },
    autoclaim: async ({ group, consumer }) => {
      const worker = await claimTarget(group, consumer);
      const { claimed, processed, deletedIds, deadLettered } = await worker.reapIdlePel();
      return {
        group,
        consumer,
        claimed,
        processed,
        deleted: deletedIds.length,
        deletedIds,
        deadLettered,
        minIdleMs: stream.claimMinIdleMs,
      };
    },
    replay: async ({ start, end, count }) => {
      const { entries, stoppedBefore } = await replayWithinBudget(stream, start, end, count);
      return { entries: entries.map(entryView), stoppedBefore };
    },
    'trim.maxlen': async ({ maxlen, approx }) => {
      const deleted = await stream.trimMaxlen(maxlen, { approx });
      return { deleted, length: await stream.length() };
    },
    'trim.minid': async ({ minId, olderThanMs, approx }) => {
      const threshold = minId ?? `${Math.max(0, Date.now() - (olderThanMs ?? 0))}-0`;
      const deleted = await stream.trimMinid(threshold, { approx });
      return { deleted, length: await stream.length(), minId: threshold };
    },
    reset: async () => pipeline.reset(),
    'poison.inject': async ({ count }) => {
      const ids = await pipeline.produce(count, POISON_EVENT_TYPE);
      return { produced: ids.length, ids };
    },
    // Bounded as the snapshot's letters are, and within the replay's budget: the page lists another application's
    // megabyte letters too. Requeue reads the letter whole in Redis, whatever was listed.
    'dlq.list': ({ count, before }) => deadLettersWithinBudget(pipeline.deadLetters, count, before),
    'dlq.requeue': async ({ id }) => {
      // What the page says each group does with the copy; a failure to ask is not the requeue's.
      const processed = await pipeline.groupsThatProcessedLetter(id).catch(() => []);
      const requeued = await pipeline.requeue(id);
      if (requeued === null)
        throw new CommandError('not_found', `no dead letter ${id} in ${pipeline.deadLetters.key}`);
      const { requeuedAs, merged, alreadyBack } = requeued;
      // An entry already back is none of this requeue's.
      return { id, requeuedAs, merged, alreadyBack, processedBy: alreadyBack ? [] : processed };
    },
    'dlq.discard': async ({ id }) => {
      if (!(await pipeline.deadLetters.discard(id))) {
        throw new CommandError('not_found', `no dead letter ${id} in ${pipeline.deadLetters.key}`);
      }
      return { id, discarded: true };
    },
    'pending.deadletter': ({ group, id }) => pipeline.deadLetterPending(group, id),
    'pending.claim': async ({ group, id, consumer }) =>
      claimPending(await claimTarget(group, consumer), id, stream.claimMinIdleMs),
    'dlq.purge': async ({ through }) => ({
      through,
      discarded: await pipeline.deadLetters.discardThrough(through),
    }),
    'dlq.requeue-all': async ({ through }) => {
      const { requeued, skipped, skippedBy, skippedLetters, merged, more, stoppedForRoom } =
        await pipeline.requeueThrough(through);
      return {
        through,
        requeued,
        merged,
        skipped,
        skippedBy: { ...skippedBy },
        // Read from the dead-letter stream, which any client may write: an original ID may be a megabyte.
        skippedLetters: skippedLetters.map((letter) => ({
          ...letter,
          originalId: boundedText(letter.originalId),
        })),
        more,
        stoppedForRoom: stoppedForRoom && { ...stoppedForRoom },
      };
    },
    'autoreap.set': async ({ group, enabled }) => {
      // The switch is the group's: every process's workers of it follow it, so a group read only elsewhere is
      // switched from here too, once Redis says it exists. (One that runs here is switched with Redis away.)
      if (!pool.groups().includes(group)) {
        assertRedisReady(pipeline.options.redis);
        if (!(await stream.infoGroups()).some((info) => info.name === group))
          throw new CommandError('not_found', `no group ${group} on ${stream.streamKey}`);
      }
      return { group, enabled, intervalMs: await pipeline.setAutoReap(group, enabled) };
    },
    'retention.set': async ({ maxAgeMs }) => {
      await pipeline.setRetention(maxAgeMs);
      return { maxAgeMs };
    },
    'trim.preview': async ({ maxlen, minId, olderThanMs }) =>
      previewTrim(
        stream,
        maxlen !== undefined
          ? { maxlen }
          : { minId: minId ?? `${Math.max(0, Date.now() - (olderThanMs ?? 0))}-0` },
      ),
    'group.create': ({ group, startId }) => pipeline.createGroup(group, startId),
    'group.setid': ({ group, id }) => pipeline.setGroupPosition(group, id),
    'group.delete': ({ group, discardPending }) => pipeline.deleteGroup(group, discardPending),
    'entry.find': ({ field, value, before }) => findEntries(stream, field, value, before),
    'entry.history': async ({ id: given }) => {
      // `1716998413541` means `1716998413541-0` to XRANGE; the history is kept under the full form.
      const id = fullEntryId(given);
      const [[entry], { places, groupsOmitted }, lettered] = await Promise.all([
        stream.replay(id, id, 1),
        stream.entryPlaces(id, { maxGroups: LIMITS.snapshotGroups }),
        pipeline.deadLetters.lettersOf(id),
      ]);
      return {
        id,
        entry: entry ? entryView(entry) : null,
        events: pipeline.history.of(id),
        places: places.map(placeView),
        groupsOmitted,
        letters: lettered.letters.map(({ originalId: _id, ...letter }) => letter),
        lettersComplete: lettered.complete,
      };
    },
  };
}

function placeView(place: EntryPlace): EntryPlaceView {
  if (place.state !== 'pending') return place;
  const { group, lastDeliveredId, consumer, deliveries, idleMs } = place;
  return { group, lastDeliveredId, state: 'pending', consumer, deliveries, deliveredAt: Date.now() - idleMs };
}

export function entryView(entry: StreamEntry): EntryView {
  return { id: entry.id, idMs: entry.idMs, fields: { ...entry.fields } };
}
