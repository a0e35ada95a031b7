export { likelyMeant } from './arguments.js';
export {
  type BoundedEntry,
  type BoundedRead,
  type CutPair,
  collectCutFields,
  cutText,
  type EntryBounds,
  type EntryCut,
} from './bounded-read.js';
export { closeRedis, failUnansweredOnDrop, redisUrlDatabase, redisUrlProblem } from './connection.js';
export {
  type ClaimEntryResult,
  ConsumerWorker,
  OWN_PEL_REASON,
  type ReapResult,
  type RecentOutcome,
  type WorkerState,
  type WorkerStatus,
} from './consumer-worker.js';
export {
  type ConsumerWorkerEvents,
  type DeliveryContext,
  type DeliverySource,
  type EntryHandler,
  type HandledAlready,
  type HandlerOutcome,
  LIFECYCLE_KINDS,
  type LifecycleEvent,
  type LifecycleKind,
  type WorkerErrorEvent,
} from './consumer-worker-events.js';
export { CONSUMER_WORKER_DEFAULTS, type ConsumerWorkerOptions } from './consumer-worker-options.js';
export { REQUEUED_FROM_FIELD, requeueMarksKey } from './dead-letter-scripts.js';
export {
  type BoundedDeadLetter,
  DEAD_LETTERS_MAXLEN,
  type DeadLetter,
  type DeadLetterInfo,
  type DeadLetterMeta,
  DeadLetters,
  type DeadLettersOptions,
  LETTER_META_CHARS,
  type RequeueResult,
  type RequeueThroughOptions,
  type RequeueThroughResult,
  type RoomStop,
  type SendPendingOptions,
  type SendPendingResult,
  type SingleRequeueResult,
  type SkippedLetter,
} from './dead-letters.js';
export {
  ConsumerInUseError,
  GroupNotFoundError,
  NoRoomError,
  NothingToRequeueError,
  ProduceStoppedError,
  RequeueRefusedError,
  RequeueStoppedError,
  StreamArgumentError,
  StreamError,
  StreamExhaustedError,
  WorkerClosedError,
} from './errors.js';
export {
  type AutoclaimOptions,
  EventStream,
  type FindByFieldOptions,
  type PendingDetailOptions,
  type TrimOptions,
} from './event-stream.js';
export { EVENT_STREAM_DEFAULTS, type EventStreamOptions } from './event-stream-options.js';
export {
  type KeyedEventInput,
  MAX_PARTITIONS,
  type PartitionedId,
  PartitionedProduceError,
  PartitionedStream,
  type PartitionedStreamOptions,
  partitionKey,
} from './partitioned-stream.js';
export { ProcessedIds, type ProcessedIdsOptions } from './processed-ids.js';
export {
  compareEntryIds,
  entryIdTime,
  fullEntryId,
  isEntryId,
  LAST_ENTRY_ID,
  nextEntryId,
} from './stream-ids.js';
export type { StreamRoom } from './stream-room.js';
export { StreamTail, type StreamTailEvents, type StreamTailOptions } from './stream-tail.js';
export type * from './types.js';
// `export type *` alone would make FIXED_FIELDS a type-only export, unusable as the value it is.
export { FIXED_FIELDS } from './types.js';
export { type ConnectedWorker, connectedWorkers, workerConnectionName } from './worker-connections.js';
