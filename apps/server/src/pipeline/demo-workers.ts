import {
  ConsumerWorker,
  type DeadLetters,
  type EventStream,
  GroupNotFoundError,
  LIFECYCLE_KINDS,
  type LifecycleEvent,
} from '@streamscope/streams';
import { countDeadLetter, type DemoHandlers } from './demo-handler.js';
import type { LifecycleRecorder } from './lifecycle-recorder.js';
import type { MembershipChanges } from './membership-changes.js';
import type { SavedChoices } from './saved-choices.js';
import { resetUnderWay } from './stream-reset.js';

/** What the demo's workers read, handle, report to, and are configured with. */
export interface DemoWorkersOptions {
  readonly stream: EventStream;
  readonly deadLetters: DeadLetters;
  readonly handlers: DemoHandlers;
  readonly choices: SavedChoices;
  readonly recorder: LifecycleRecorder;
  readonly membership: MembershipChanges;
  /** The workers this server runs now (the pool's, which is made with `make` and so after this). */
  readonly workers: () => readonly ConsumerWorker[];
  readonly processLatencyMs: number;
  /** Entries per XREADGROUP; the library's default when undefined (see `PipelineOptions.readCount`). */
  readonly readCount: number | undefined;
  readonly maxDeliveries: number;
  readonly log: (what: string, error: unknown) => void;
}

/**
 * The demo's consumer workers: how each is made and where its events go, and the one failure of theirs this
 * process mends, their group deleted under them.
 */
export class DemoWorkers {
  readonly #options: DemoWorkersOptions;
  /** Groups being re-created after someone else deleted them under running workers. */
  readonly #recreating = new Set<string>();

  constructor(options: DemoWorkersOptions) {
    this.#options = options;
  }

  /**
   * A worker of the consumer, not started: the group's demo handler, its counters and the timelines fed from its
   * events, its auto-reaper as saved.
   */
  make(group: string, name: string): ConsumerWorker {
    const { stream, handlers, processLatencyMs, readCount, deadLetters, maxDeliveries, choices, recorder } =
      this.#options;
    const worker = new ConsumerWorker(stream, group, name, {
      handler: handlers.handlerFor(group),
      processLatencyMs,
      ...(readCount === undefined ? {} : { count: readCount }),
      deadLetters,
      maxDeliveries,
      handledAlready: handlers.handledAlreadyFor(group),
      reapIntervalMs: choices.reapIntervalFor(group),
    });
    const counters = handlers.countersOf(group);
    for (const kind of LIFECYCLE_KINDS) {
      worker.on(kind, (event: LifecycleEvent) => {
        if (kind === 'delivered') counters.delivered += 1;
        else if (kind === 'acked') counters.acked += 1;
        else if (kind === 'dead-lettered') countDeadLetter(counters, event.ts);
        recorder.record(event);
      });
    }
    // Failures are already in the worker's status (`lastError`). One kind this process can mend: another
    // process sharing the stream reset it, deleting the groups these workers read.
    worker.on('error', (event) => {
      if (event.error instanceof GroupNotFoundError) this.recreateGroup(group);
    });
    return worker;
  }

  /**
   * Re-creates a group deleted under this process's workers (by a reset in another process on the same stream, or
   * Redis restarted without its data) from 0-0, as seeding would, so they carry on instead of failing every read:
   * told by a worker's failed read, or, for a group whose workers are all paused and read nothing, by the saved
   * choices' read of the stream's groups each second (see `SavedChoicesOptions.groupsMissing`). Made again at once,
   * the group counts what trimming takes from it meanwhile, where one made on the resume began past it. Groups
   * with no worker here are left alone.
   */
  recreateGroup(group: string): void {
    const { membership, workers, stream, handlers, choices, log } = this.#options;
    if (this.#recreating.has(group)) return;
    this.#recreating.add(group);
    void membership
      .serially(async () => {
        if (!workers().some((worker) => worker.group === group)) return;
        if ((await stream.infoGroups()).some((info) => info.name === group)) return;
        // Another process's reset under way: made now, the group would precede its clearing of the notes it
        // deletes, its notes wiped. It is made once the reset is done, at the next failed read or second's look.
        if (await resetUnderWay(stream)) return;
        // Deleted with its stream (a reset elsewhere), everything is new; deleted alone, the entries still
        // there come again, and the ones this group processed are duplicates.
        const lastId = (await stream.infoStream())?.lastGeneratedId;
        if (lastId !== undefined) handlers.setRedeliveredThrough(group, lastId);
        await choices.createGroup(group, '0-0');
        // A reset elsewhere deleted the notes of this process's consumers too, and their pauses, which are still
        // in force here: they are saved again. (The auto-reap switches and the retention policy it deleted are not:
        // every process follows that, see `SavedChoices`.)
        const consumers = workers().filter((worker) => worker.group === group);
        await choices.saveQuietly({ consumers });
        log(
          'workers',
          `group ${group} was deleted under its consumers here (a reset by another process, or Redis restarted without its data?); re-created it from 0-0`,
        );
      })
      .catch((error: unknown) => log('workers', error))
      .finally(() => this.#recreating.delete(group));
  }
}
