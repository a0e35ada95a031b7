import { describeIssues, retentionMaxAgeSchema } from '@streamscope/protocol';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ownKeys } from './own-keys.js';

/** The operator's choices a `--no-reset` restart brings back, as read from Redis. */
export interface SavedControls {
  /** Paused consumers. */
  readonly paused: readonly { readonly group: string; readonly name: string }[];
  /** Groups whose auto-reaper is on. */
  readonly autoReap: ReadonlySet<string>;
  /**
   * Consumers Streamscope ran (added through the API, or paused or resumed there): a `--no-reset` start brings
   * back only these, never one another client made in the same group.
   */
  readonly consumers: readonly { readonly group: string; readonly name: string }[];
  /** Groups Streamscope created (seeded, or re-created after a reset elsewhere). */
  readonly groups: ReadonlySet<string>;
  /** Groups deleted through Streamscope and not created again since: a restart does not seed them anew. */
  readonly deleted: ReadonlySet<string>;
  /** The standing retention policy's maximum age; `null` when none is saved, or the one saved is not valid. */
  readonly retentionMaxAgeMs: number | null;
  /** Saved choices of this version left out as their value is not valid, each said as a line for the log. */
  readonly ignored: readonly string[];
}

/** What `readFor` found saved for the groups and consumers it was asked about. */
export interface SavedFor {
  /** The standing retention policy's maximum age, `null` for none; `undefined` when the saved one is not valid. */
  readonly retentionMaxAgeMs: number | null | undefined;
  /** Of the groups asked about, those whose auto-reaper is on. */
  readonly autoReap: ReadonlySet<string>;
  /** Of the consumers asked about, those noted as Streamscope's (by `refKey`-style `JSON.stringify([group, name])`). */
  readonly owned: ReadonlySet<string>;
  /** Of the consumers asked about, those saved as paused (keyed likewise). */
  readonly paused: ReadonlySet<string>;
}

/** Choices to save, as they stand; those left out stay as saved. */
export interface ControlsToSave {
  readonly consumers?: readonly ConsumerControl[];
  readonly groups?: readonly { readonly group: string; readonly autoReap: boolean }[];
  /** The standing retention policy's maximum age; `null` (no policy) deletes the saved one. */
  readonly retentionMaxAgeMs?: number | null;
  /** Groups Streamscope has just created. */
  readonly createdGroups?: readonly string[];
  /**
   * Groups deleted through Streamscope: no longer its own, so a group another client makes under the name is not,
   * and noted as deleted until one is created again, so that a restart does not seed them anew.
   */
  readonly deletedGroups?: readonly string[];
  /** Consumers Streamscope has just started (seeds), noted as its own without touching their choices. */
  readonly startedConsumers?: readonly { readonly group: string; readonly name: string }[];
  /** The stream key is Streamscope's: it has just deleted what was there (a reset), and appends make it anew. */
  readonly ownStream?: boolean;
}

/** One consumer's choice to save: paused or not, and whether Streamscope runs it (false once removed). */
export interface ConsumerControl {
  readonly group: string;
  readonly name: string;
  readonly paused: boolean;
  readonly runs: boolean;
}

/**
 * Pauses, auto-reap switches and the standing retention policy, kept in one hash beside the stream
 * (`<stream key>:controls`) so that a restart without reset brings them back: a consumer paused during an
 * incident must not start processing again by itself, nor a stream the operator asked to keep a day of entries
 * grow past that, nor a group the operator deleted come back (`["deleted","analytics"]`, until one is created
 * again). A field is a JSON array (`["paused","notifications","worker-a"]`, `["autoreap","analytics"]`,
 * `["retention"]`), so no name can pass for another whatever characters it holds; a field is present only while
 * its choice is on, with value `1`, or for the retention policy its maximum age in milliseconds (`86400000`).
 * A second hash, `<stream key>:owned`, says which groups and consumers are Streamscope's own
 * (`["group","analytics"]`, `["consumer","notifications","worker-d"]`, each `1`), so that a restart on a
 * stream other clients use takes back only those, never a group or consumer of theirs.
 * The crash queue is a demo injection and the continuous producer demo load: neither is kept.
 */
export class OperatorControls {
  readonly key: string;
  /** The groups and consumers Streamscope made (see the class comment). */
  readonly ownedKey: string;
  readonly #redis: Redis;

  constructor(redis: Redis, streamKey: string) {
    this.#redis = redis;
    this.key = ownKeys.controls(streamKey);
    this.ownedKey = ownKeys.owned(streamKey);
  }

  /**
   * The groups noted as Streamscope's in `:owned`; `null` when there is no such note at all (Streamscope never
   * ran on the stream) or the key is another client's (of another type).
   */
  async ownedGroups(): Promise<ReadonlySet<string> | null> {
    let fields: string[];
    try {
      fields = await this.#redis.hkeys(this.ownedKey);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return null;
      throw error;
    }
    if (fields.length === 0) return null;
    const groups = new Set<string>();
    for (const field of fields) {
      const parsed = parseField(field);
      if (parsed?.[0] === 'group') groups.add(parsed[1]);
    }
    return groups;
  }

  /**
   * What Redis holds, read in one MULTI; fields this version does not know are ignored, and so is one of its own
   * whose value is not valid (another client's write, say), which `ignored` names. Either key of another type
   * (another client's) holds none of ours: what it would hold is lost, `ignored` says so, and the rest is read; the
   * start goes on rather than refusing to run the pipeline (a `:controls` in the way must not make the groups
   * noted in `:owned` look like another application's). Any other failure (Redis away, a refused command) throws:
   * the saved pauses are unknown.
   */
  async load(): Promise<SavedControls> {
    const replies = (await this.#redis
      .multi()
      .hkeys(this.key)
      .hget(this.key, RETENTION_FIELD)
      .hkeys(this.ownedKey)
      .exec()) ?? [[new Error('the MULTI was discarded'), null]];
    // A key of another type (another client's) holds none of ours: only what it would hold is lost, and said.
    const ignored: string[] = [];
    const read = <T>(index: number, key: string, lost: string, empty: T): T => {
      const [error, reply] = replies[index] ?? [new Error('no reply'), null];
      if (!error) return reply as T;
      if (!error.message.startsWith('WRONGTYPE')) throw error;
      if (index !== 1)
        ignored.push(`${key} could not be read (${error.message}): ${lost}, until it is deleted`);
      return empty;
    };
    const choices = read<string[]>(
      0,
      this.key,
      'no pause, auto-reaper or retention policy is restored, and none is saved',
      [],
    );
    const retention = read<string | null>(1, this.key, '', null);
    const owned = read<string[]>(
      2,
      this.ownedKey,
      "no group or consumer is known as Streamscope's, and none is noted",
      [],
    );
    const fields = [...choices, ...owned];
    const paused: { group: string; name: string }[] = [];
    const consumers: { group: string; name: string }[] = [];
    const autoReap = new Set<string>();
    const groups = new Set<string>();
    const deleted = new Set<string>();
    for (const field of fields) {
      const parsed = parseField(field);
      if (parsed?.[0] === 'paused') paused.push({ group: parsed[1], name: parsed[2] });
      else if (parsed?.[0] === 'consumer') consumers.push({ group: parsed[1], name: parsed[2] });
      else if (parsed?.[0] === 'autoreap') autoReap.add(parsed[1]);
      else if (parsed?.[0] === 'group') groups.add(parsed[1]);
      else if (parsed?.[0] === 'deleted') deleted.add(parsed[1]);
    }
    let retentionMaxAgeMs: number | null = null;
    if (retention !== null) {
      const maxAge = savedMaxAgeSchema.safeParse(retention);
      if (maxAge.success) retentionMaxAgeMs = maxAge.data;
      else {
        ignored.push(
          `the retention policy saved in ${this.key}, ${JSON.stringify(retention)}, is not valid (${describeIssues(maxAge.error)}): none is restored`,
        );
      }
    }
    return { paused, autoReap, consumers, groups, deleted, retentionMaxAgeMs, ignored };
  }

  /**
   * The saved choices that concern these groups and consumers, and the retention policy, read in one MULTI by
   * field, so that what else the hashes hold (another process's, or another client's 100,000 fields) costs nothing.
   * Either key of another type fails it (WRONGTYPE), as does Redis being away.
   */
  async readFor(
    groups: readonly string[],
    consumers: readonly { readonly group: string; readonly name: string }[],
  ): Promise<SavedFor> {
    const multi = this.#redis.multi().hget(this.key, RETENTION_FIELD);
    if (groups.length > 0) multi.hmget(this.key, ...groups.map(autoReapField));
    if (consumers.length > 0) {
      multi.hmget(this.ownedKey, ...consumers.map(({ group, name }) => consumerField(group, name)));
      multi.hmget(this.key, ...consumers.map(({ group, name }) => pausedField(group, name)));
    }
    const [retention, switches = [], notes = [], pauses = []] = (await execAll(multi)) as [
      string | null,
      (string | null)[]?,
      (string | null)[]?,
      (string | null)[]?,
    ];
    const keys = consumers.map(({ group, name }) => JSON.stringify([group, name]));
    const maxAge = retention === null ? null : savedMaxAgeSchema.safeParse(retention);
    return {
      retentionMaxAgeMs: maxAge === null ? null : maxAge.success ? maxAge.data : undefined,
      autoReap: new Set(groups.filter((_, index) => switches[index] != null)),
      owned: new Set(keys.filter((_, index) => notes[index] != null)),
      paused: new Set(keys.filter((_, index) => pauses[index] != null)),
    };
  }

  /**
   * Saves the choices given, in one MULTI. The caller reads the choices and calls this in one synchronous step,
   * so writes leave in the order the choices were made.
   */
  async save({
    consumers = [],
    groups = [],
    retentionMaxAgeMs,
    createdGroups = [],
    deletedGroups = [],
    startedConsumers = [],
    ownStream = false,
  }: ControlsToSave): Promise<void> {
    const set: string[] = [];
    const unset: string[] = [];
    const own: string[] = [];
    const disown: string[] = [];
    for (const { group, name, paused, runs } of consumers) {
      (paused ? set : unset).push(pausedField(group, name));
      (runs ? own : disown).push(consumerField(group, name));
    }
    for (const { group, autoReap } of groups) (autoReap ? set : unset).push(autoReapField(group));
    for (const group of createdGroups) {
      own.push(groupField(group));
      unset.push(deletedField(group));
    }
    for (const group of deletedGroups) {
      disown.push(groupField(group));
      set.push(deletedField(group));
    }
    for (const { group, name } of startedConsumers) own.push(consumerField(group, name));
    if (ownStream) own.push(STREAM_FIELD);
    const values = set.flatMap((field) => [field, '1']);
    if (retentionMaxAgeMs === null) unset.push(RETENTION_FIELD);
    else if (retentionMaxAgeMs !== undefined) values.push(RETENTION_FIELD, JSON.stringify(retentionMaxAgeMs));
    if (values.length + unset.length + own.length + disown.length === 0) return;
    const multi = this.#redis.multi();
    if (values.length > 0) multi.hset(this.key, ...values);
    if (unset.length > 0) multi.hdel(this.key, ...unset);
    if (own.length > 0) multi.hset(this.ownedKey, ...own.flatMap((field) => [field, '1']));
    if (disown.length > 0) multi.hdel(this.ownedKey, ...disown);
    await execAll(multi);
  }

  /** Deletes every choice, and what was Streamscope's (a reset, which deletes the stream too). */
  async clear(): Promise<void> {
    await this.#redis.del(this.key, this.ownedKey);
  }
}

function pausedField(group: string, name: string): string {
  return JSON.stringify(['paused', group, name]);
}

function consumerField(group: string, name: string): string {
  return JSON.stringify(['consumer', group, name]);
}

function groupField(group: string): string {
  return JSON.stringify(['group', group]);
}

function deletedField(group: string): string {
  return JSON.stringify(['deleted', group]);
}

function autoReapField(group: string): string {
  return JSON.stringify(['autoreap', group]);
}

/** The stream's one retention policy: not a group's, so one field whichever process set it. */
const RETENTION_FIELD = JSON.stringify(['retention']);
/** In `:owned`: the stream itself is Streamscope's (see `ControlsToSave.ownStream`). */
const STREAM_FIELD = JSON.stringify(['stream']);

/** Runs a MULTI; EXEC answers each command's failure (WRONGTYPE, say) in its reply rather than rejecting. */
async function execAll(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const replies = (await multi.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
  return replies.map(([, reply]) => reply);
}

/**
 * A saved retention policy's maximum age: a JSON number, within the bounds `retention.set` checks. (A number
 * first, as the command's own message for anything else offers `null`, which here would be no policy at all.)
 */
const savedMaxAgeSchema = z
  .string()
  .transform((value, ctx) => {
    const parsed = parseJson(value);
    if (typeof parsed === 'number') return parsed;
    ctx.addIssue({ code: 'custom', message: 'maxAgeMs must be a number of milliseconds' });
    return z.NEVER;
  })
  .pipe(retentionMaxAgeSchema);

/** `undefined` for text that is not JSON, which no schema here takes. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const fieldSchema = z.union([
  z.tuple([z.literal('paused'), z.string(), z.string()]),
  z.tuple([z.literal('consumer'), z.string(), z.string()]),
  z.tuple([z.literal('autoreap'), z.string()]),
  z.tuple([z.literal('group'), z.string()]),
  z.tuple([z.literal('deleted'), z.string()]),
]);

/** A field as the choice it encodes; `null` for anything else (another version's, or another client's). */
function parseField(field: string): z.infer<typeof fieldSchema> | null {
  return fieldSchema.safeParse(parseJson(field)).data ?? null;
}
