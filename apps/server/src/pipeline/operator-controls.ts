import type { Redis } from 'ioredis';
import { z } from 'zod';

/** The operator's choices a `--no-reset` restart brings back, as read from Redis. */
export interface SavedControls {
  /** Paused consumers. */
  readonly paused: readonly { readonly group: string; readonly name: string }[];
  /** Groups whose auto-reaper is on. */
  readonly autoReap: ReadonlySet<string>;
}

/** One consumer's choice to save: paused or not. */
export interface ConsumerControl {
  readonly group: string;
  readonly name: string;
  readonly paused: boolean;
}

/**
 * Pauses and auto-reap switches, kept in one hash beside the stream (`<stream key>:controls`) so that a restart
 * without reset brings them back: a consumer paused during an incident must not start processing again by
 * itself. A field is a JSON array (`["paused","notifications","worker-a"]`, `["autoreap","analytics"]`), so no
 * name can pass for another whatever characters it holds; a field is present (value `1`) only while its choice
 * is on. The crash queue is a demo injection and is not kept.
 */
export class OperatorControls {
  readonly key: string;
  readonly #redis: Redis;

  constructor(redis: Redis, streamKey: string) {
    this.#redis = redis;
    this.key = `${streamKey}:controls`;
  }

  /** What Redis holds; fields this version does not know are ignored. */
  async load(): Promise<SavedControls> {
    const paused: { group: string; name: string }[] = [];
    const autoReap = new Set<string>();
    for (const field of await this.#redis.hkeys(this.key)) {
      const parsed = parseField(field);
      if (parsed?.[0] === 'paused') paused.push({ group: parsed[1], name: parsed[2] });
      else if (parsed?.[0] === 'autoreap') autoReap.add(parsed[1]);
    }
    return { paused, autoReap };
  }

  /**
   * Saves these consumers' pauses and these groups' auto-reap switches, in one MULTI. The caller reads the
   * choices and calls this in one synchronous step, so writes leave in the order the choices were made.
   */
  async save(
    consumers: readonly ConsumerControl[],
    groups: readonly { group: string; autoReap: boolean }[],
  ): Promise<void> {
    const set: string[] = [];
    const unset: string[] = [];
    for (const { group, name, paused } of consumers) (paused ? set : unset).push(pausedField(group, name));
    for (const { group, autoReap } of groups) (autoReap ? set : unset).push(autoReapField(group));
    if (set.length + unset.length === 0) return;
    const multi = this.#redis.multi();
    if (set.length > 0) multi.hset(this.key, ...set.flatMap((field) => [field, '1']));
    if (unset.length > 0) multi.hdel(this.key, ...unset);
    // EXEC answers each command's failure (WRONGTYPE, say) in its reply rather than rejecting.
    for (const [error] of (await multi.exec()) ?? []) if (error) throw error;
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

const fieldSchema = z.union([
  z.tuple([z.literal('paused'), z.string(), z.string()]),
  z.tuple([z.literal('autoreap'), z.string()]),
]);

/** A field as the choice it encodes; `null` for anything else (another version's, or another client's). */
function parseField(field: string): z.infer<typeof fieldSchema> | null {
  try {
    return fieldSchema.safeParse(JSON.parse(field)).data ?? null;
  } catch {
    return null;
  }
}
