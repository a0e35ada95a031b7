import type { Redis } from 'ioredis';
import { BOUNDED_READ_LUA } from './bounded-read-script.js';
import { CLAIM_ONE_LUA } from './claim-one-script.js';
import { COUNT_RANGE_LUA } from './count-range-script.js';
import { AUTOCLAIM_WITH_LETTERS_LUA, HANDOVER_WITH_LETTERS_LUA } from './dead-letter-scripts.js';
import { ENTRY_PLACES_LUA } from './entry-places-script.js';
import { FIND_BY_FIELD_LUA } from './find-by-field-script.js';
import { DISCARD_LETTERS_OF_LUA, LETTERS_OF_LUA } from './letters-of-script.js';
import { NEWEST_AFTER_LUA } from './newest-after-script.js';
import { PRODUCE_BATCH_LUA } from './produce-batch-script.js';
import { READ_BACKLOG_LUA } from './read-backlog-script.js';
import { type ScriptCommand, scriptCommand } from './script-command.js';
import { SET_GROUP_ID_LUA } from './set-group-id-script.js';
import { STREAM_SUMMARY_LUA } from './stream-summary-script.js';
import { TYPES_OF_LUA } from './types-of-script.js';

export const PRODUCE_BATCH_COMMAND = 'streamscopeProduceBatch';
export const READ_BACKLOG_COMMAND = 'streamscopeReadBacklog';
export const AUTOCLAIM_WITH_LETTERS_COMMAND = 'streamscopeAutoclaimWithLetters';
export const HANDOVER_WITH_LETTERS_COMMAND = 'streamscopeHandoverWithLetters';
export const TYPES_OF_COMMAND = 'streamscopeTypesOf';
export const COUNT_RANGE_COMMAND = 'streamscopeCountRange';
export const SET_GROUP_ID_COMMAND = 'streamscopeSetGroupId';
export const STREAM_SUMMARY_COMMAND = 'streamscopeStreamSummary';
export const NEWEST_AFTER_COMMAND = 'streamscopeNewestAfter';
export const CLAIM_ONE_COMMAND = 'streamscopeClaimOne';
export const ENTRY_PLACES_COMMAND = 'streamscopeEntryPlaces';
export const LETTERS_OF_COMMAND = 'streamscopeLettersOf';
export const DISCARD_LETTERS_OF_COMMAND = 'streamscopeDiscardLettersOf';
export const FIND_BY_FIELD_COMMAND = 'streamscopeFindByField';
/** The bounded read, of a stream or of a dead-letter stream (`DeadLetters` reads its own key with it). */
export const BOUNDED_READ_COMMAND = 'streamscopeBoundedRead';
/** The library's scripts, each defined on a connection as a command the first time it is used there. */
const SCRIPTS = {
  [PRODUCE_BATCH_COMMAND]: { lua: PRODUCE_BATCH_LUA, keys: 1 },
  [READ_BACKLOG_COMMAND]: { lua: READ_BACKLOG_LUA, keys: 1 },
  [AUTOCLAIM_WITH_LETTERS_COMMAND]: { lua: AUTOCLAIM_WITH_LETTERS_LUA, keys: 2 },
  [HANDOVER_WITH_LETTERS_COMMAND]: { lua: HANDOVER_WITH_LETTERS_LUA, keys: 2 },
  [TYPES_OF_COMMAND]: { lua: TYPES_OF_LUA, keys: 1 },
  [COUNT_RANGE_COMMAND]: { lua: COUNT_RANGE_LUA, keys: 1 },
  [SET_GROUP_ID_COMMAND]: { lua: SET_GROUP_ID_LUA, keys: 1 },
  [BOUNDED_READ_COMMAND]: { lua: BOUNDED_READ_LUA, keys: 1 },
  [STREAM_SUMMARY_COMMAND]: { lua: STREAM_SUMMARY_LUA, keys: 1 },
  [NEWEST_AFTER_COMMAND]: { lua: NEWEST_AFTER_LUA, keys: 1 },
  [CLAIM_ONE_COMMAND]: { lua: CLAIM_ONE_LUA, keys: 1 },
  [ENTRY_PLACES_COMMAND]: { lua: ENTRY_PLACES_LUA, keys: 1 },
  [LETTERS_OF_COMMAND]: { lua: LETTERS_OF_LUA, keys: 2 },
  [DISCARD_LETTERS_OF_COMMAND]: { lua: DISCARD_LETTERS_OF_LUA, keys: 1 },
  [FIND_BY_FIELD_COMMAND]: { lua: FIND_BY_FIELD_LUA, keys: 1 },
};

export type ScriptName = keyof typeof SCRIPTS;

/** One of this library's scripts as a command of `redis`, defined the first time it is used there. */
export function libraryScript(redis: Redis, name: ScriptName): ScriptCommand {
  return scriptCommand(redis, name, SCRIPTS[name]);
}
