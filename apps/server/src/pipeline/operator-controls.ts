import { describeIssues, retentionMaxAgeSchema } from '@streamscope/protocol';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** The operator's choices a `--no-reset` restart brings back, as read from Redis. */
export interface SavedControls {
  /** Paused consumers. */
  readonly paused: readonly { readonly group: string; readonly name: string }[];
  /** Groups whose auto-reaper is on. */
  readonly autoReap: ReadonlySet<string>;
  /** The standing retention policy's maximum age; `null` when none is saved, or the one saved is not valid. */
  readonly retentionMaxAgeMs: number | null;
  /** Saved choices of this version left out as their value is not valid, each said as a line for the log. */
  readonly ignored: readonly string[];
}

/** Choices to save, as they stand; those left out stay as saved. */
export interface ControlsToSave {
  readonly consumers?: readonly ConsumerControl[];
  readonly groups?: readonly { readonly group: string; readonly autoReap: boolean }[];
  /** The standing retention policy's maximum age; `null` (no policy) deletes the saved one. */
  readonly retentionMaxAgeMs?: number | null;
}

/** One consumer's choice to save: paused or not. */
export interface ConsumerControl {
  readonly group: string;
  readonly name: string;
  readonly paused: boolean;
}

/**
 * Pauses, auto-reap switches and the standing retention policy, kept in one hash beside the stream
 * (`<stream key>:controls`) so that a restart without reset brings them back: a consumer paused during an
 * incident must not start processing again by itself, nor a stream the operator asked to keep a day of entries
 * grow past that. A field is a JSON array (`["paused","notifications","worker-a"]`, `["autoreap","analytics"]`,
 * `["retention"]`), so no name can pass for another whatever characters it holds; a field is present only while
 * its choice is on, with value `1`, or for the retention policy its maximum age in milliseconds (`86400000`).
 * The crash queue is a demo injection and the continuous producer demo load: neither is kept.
 */
export class OperatorControls {
  readonly key: string;
  readonly #redis: Redis;

  constructor(redis: Redis, streamKey: string) {
    this.#redis = redis;
    this.key = `${streamKey}:controls`;
  }

  /**
   * What Redis holds, read in one MULTI; fields this version does not know are ignored, and so is one of its own
   * whose value is not valid (another client's write, say), which `ignored` names.
   */
  async load(): Promise<SavedControls> {
    const [fields, retention] = (await execAll(
      this.#redis.multi().hkeys(this.key).hget(this.key, RETENTION_FIELD),
    )) as [string[], string | null];
    const paused: { group: string; name: string }[] = [];
    const autoReap = new Set<string>();
    for (const field of fields) {
      const parsed = parseField(field);
      if (parsed?.[0] === 'paused') paused.push({ group: parsed[1], name: parsed[2] });
      else if (parsed?.[0] === 'autoreap') autoReap.add(parsed[1]);
    }
    const ignored: string[] = [];
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
    return { paused, autoReap, retentionMaxAgeMs, ignored };
  }

  /**
   * Saves the choices given, in one MULTI. The caller reads the choices and calls this in one synchronous step,
   * so writes leave in the order the choices were made.
   */
  async save({ consumers = [], groups = [], retentionMaxAgeMs }: ControlsToSave): Promise<void> {
    const set: string[] = [];
    const unset: string[] = [];
    for (const { group, name, paused } of consumers) (paused ? set : unset).push(pausedField(group, name));
    for (const { group, autoReap } of groups) (autoReap ? set : unset).push(autoReapField(group));
    const values = set.flatMap((field) => [field, '1']);
    if (retentionMaxAgeMs === null) unset.push(RETENTION_FIELD);
    else if (retentionMaxAgeMs !== undefined) values.push(RETENTION_FIELD, JSON.stringify(retentionMaxAgeMs));
    if (values.length + unset.length === 0) return;
    const multi = this.#redis.multi();
    if (values.length > 0) multi.hset(this.key, ...values);
    if (unset.length > 0) multi.hdel(this.key, ...unset);
    await execAll(multi);
  }

  /** Drops a removed consumer's entry. */
  async forget(group: string, name: string): Promise<void> {
    await this.#redis.hdel(this.key, pausedField(group, name));
  }

  /** Deletes every choice (a reset). */
  async clear(): Promise<void> {
    await this.#redis.del(this.key);
  }
}

function pausedField(group: string, name: string): string {
  return JSON.stringify(['paused', group, name]);
}

function autoReapField(group: string): string {
  return JSON.stringify(['autoreap', group]);
}

/** The stream's one retention policy: not a group's, so one field whichever process set it. */
const RETENTION_FIELD = JSON.stringify(['retention']);

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
  z.tuple([z.literal('autoreap'), z.string()]),
]);

/** A field as the choice it encodes; `null` for anything else (another version's, or another client's). */
function parseField(field: string): z.infer<typeof fieldSchema> | null {
  return fieldSchema.safeParse(parseJson(field)).data ?? null;
}
